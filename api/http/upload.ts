/**
 * Multipart uploads (photos of a report or a feedback): at most MAX_FILES files in the field
 * `photos`, each at most the configured size, held in memory until the request is accepted. The
 * type is read from the bytes, never from the client's claim. Open311 clients send one photo in
 * the field `media` with the request's other fields beside it (OPEN311_MEDIA).
 */
import multer from 'multer';
import type { RequestHandler } from 'express';
import { text } from '../services/errors';
import { HttpError } from './errors';

export const MAX_FILES = 9;
export const PHOTO_FIELD = 'photos';

/** Where the files go and how many fields may come beside them. */
export interface UploadShape {
  field: string;
  maxFiles: number;
  maxFields: number;
}

export const PHOTOS: UploadShape = { field: PHOTO_FIELD, maxFiles: MAX_FILES, maxFields: 20 };
/** Open311 GeoReport v2 clients: one photo in `media`, every other field (attribute[…] too) as a form field. */
export const OPEN311_MEDIA: UploadShape = { field: 'media', maxFiles: 1, maxFields: 100 };

export function uploadPhotos(maxBytes: number, shape: UploadShape = PHOTOS): RequestHandler {
  const { field, maxFiles } = shape;
  const m = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: maxFiles, fields: shape.maxFields, fieldSize: 64 * 1024, parts: maxFiles + shape.maxFields } }).array(field, maxFiles);
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    m(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        switch (err.code) {
          case 'LIMIT_FILE_SIZE':
            return next(new HttpError(413, `body.${field}`, text(`单个文件不能超过 ${maxBytes} 字节`, `each file must be at most ${maxBytes} bytes`), 'FILE_TOO_LARGE'));
          case 'LIMIT_FILE_COUNT':
          case 'LIMIT_UNEXPECTED_FILE':
            return next(new HttpError(err.code === 'LIMIT_FILE_COUNT' ? 413 : 400, `body.${err.field ?? field}`, text(`文件只能放在 ${field} 字段，最多 ${maxFiles} 个`, `files go in the field ${field}, at most ${maxFiles}`), 'BAD_UPLOAD'));
          default:
            return next(new HttpError(400, `body.${err.field ?? 'body'}`, text(`上传内容有误：${err.message}`, `bad upload: ${err.message}`), 'BAD_UPLOAD'));
        }
      }
      next(new HttpError(400, 'body', text('multipart 请求体格式错误', 'the multipart body is malformed'), 'BAD_UPLOAD'));
    });
  };
}

/** Photo types we accept, recognised by their first bytes. */
export function sniffImage(b: Buffer): string | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp' && /^(heic|heix|mif1|msf1)$/.test(b.toString('latin1', 8, 12))) return 'image/heic';
  return null;
}

export interface Photo {
  fileName: string;
  mediaType: string;
  bytes: Buffer;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The uploaded photos, each checked; a file that is not a photo is a 415 naming it. */
export function photosOf(files: Express.Multer.File[] | undefined, field = PHOTOS.field): Photo[] {
  return (files ?? []).map((f, i) => {
    if (f.size === 0) throw new HttpError(400, `body.${field}[${i}]`, text('文件为空', 'the file is empty'), 'BAD_UPLOAD');
    // (the parser has already cut any directory from the name: ../../etc/passwd arrives as passwd)
    if (CONTROL.test(f.originalname)) throw new HttpError(400, `body.${field}[${i}]`, text('文件名含有控制字符', 'the file name holds control characters'), 'BAD_UPLOAD');
    const mediaType = sniffImage(f.buffer);
    if (!mediaType) throw new HttpError(415, `body.${field}[${i}]`, text(`文件 ${f.originalname} 不是 JPEG、PNG、WebP 或 HEIC 图片`, `file ${f.originalname} is not a JPEG, PNG, WebP or HEIC image`), 'UNSUPPORTED_FILE_TYPE');
    return { fileName: f.originalname.slice(0, 255) || `photo-${i + 1}`, mediaType, bytes: f.buffer };
  });
}
