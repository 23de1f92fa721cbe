/**
 * Where attachment bytes live. The default keeps them on local disk under .data/attachments,
 * content-addressed by SHA-256 (so storing the same photo twice stores it once); an
 * S3-compatible store implements the same interface for production.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface StoredBlob {
  key: string;
  sha256: string;
  size: number;
  /** false when the same bytes were already stored */
  created: boolean;
}

export interface AttachmentStore {
  put(bytes: Buffer): Promise<StoredBlob>;
  get(key: string): Promise<Buffer | null>;
  /** removes a blob this request created and no row refers to */
  remove(key: string): Promise<void>;
}

export class FsAttachmentStore implements AttachmentStore {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    if (!/^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(key)) throw new Error(`bad attachment key ${key}`);
    return path.join(this.dir, key);
  }

  async put(bytes: Buffer): Promise<StoredBlob> {
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const key = `${sha256.slice(0, 2)}/${sha256}`;
    const file = this.file(key);
    if (fs.existsSync(file)) return { key, sha256, size: bytes.length, created: false };
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    await fs.promises.writeFile(tmp, bytes, { mode: 0o640 });
    await fs.promises.rename(tmp, file);
    return { key, sha256, size: bytes.length, created: true };
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await fs.promises.readFile(this.file(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.file(key), { force: true });
  }
}
