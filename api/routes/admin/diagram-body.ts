/**
 * A BPMN diagram in the body: raw `application/xml` / `text/xml` (what a modeler exports), or JSON
 * `{ "xml": "…" }`. Either way the controller reads `input(req).body.xml`.
 *
 * Before any parsing the diagram is checked (process/compiler.ts checkDiagramSource): at most
 * MAX_DIAGRAM_BYTES (413), no DOCTYPE or entity declaration, so nothing external is read and no
 * entity is expanded (422), only characters XML can carry, elements nested at most
 * MAX_DIAGRAM_DEPTH levels (422). Raw XML must be UTF-8.
 */
import express, { type RequestHandler } from 'express';
import { badRequest, HttpError, unprocessable } from '../../http/errors';
import { text } from '../../services/errors';
import { utf8Body } from '../../http/body';
import { validate } from '../../http/validate';
import { checkDiagramSource, MAX_DIAGRAM_BYTES, MAX_DIAGRAM_DEPTH, UnreadableDiagramError } from '../../../process/compiler';

export const XML_TYPES = ['application/xml', 'text/xml', 'application/bpmn+xml'];

const MIB = `${MAX_DIAGRAM_BYTES / 1024 / 1024} MiB`;

const tooLarge = () => new HttpError(413, 'body.xml', text(`流程图不能超过 ${MIB}（${MAX_DIAGRAM_BYTES} 字节）`, `the diagram must be at most ${MIB} (${MAX_DIAGRAM_BYTES} bytes)`), 'DIAGRAM_TOO_LARGE');

const xmlText = express.text({ type: XML_TYPES, limit: MAX_DIAGRAM_BYTES, verify: utf8Body() });

/** The raw XML body; over the limit, a 413 that says it is the diagram's limit. */
const readXml: RequestHandler = (req, res, next) =>
  xmlText(req, res, (err?: unknown) => next((err as { type?: string } | undefined)?.type === 'entity.too.large' ? tooLarge() : err));

/** The checks before parsing, as problems naming the diagram (body.xml, raw or in JSON). */
function refusal(xml: string): HttpError | null {
  try {
    checkDiagramSource(xml);
    return null;
  } catch (e) {
    if (!(e instanceof UnreadableDiagramError)) throw e;
    switch (e.refusal) {
      case 'too-large':
        return tooLarge();
      case 'dtd':
        return unprocessable('body.xml', text('流程图不得包含 DOCTYPE 或实体声明（<!DOCTYPE …>、<!ENTITY …>）：请从建模工具重新导出', 'the diagram must not declare a DOCTYPE or entities (<!DOCTYPE …>, <!ENTITY …>): export it again from the modeler'), 'DTD_NOT_ALLOWED');
      case 'too-deep':
        return unprocessable('body.xml', text(`流程图的元素嵌套超过 ${MAX_DIAGRAM_DEPTH} 层`, `the diagram nests elements deeper than ${MAX_DIAGRAM_DEPTH} levels`), 'DIAGRAM_TOO_DEEP');
      case 'characters':
        return unprocessable('body.xml', text('流程图含有 XML 不允许的字符（控制字符或不成对的代理项）', 'the diagram holds characters XML does not allow (control characters or unpaired surrogates)'), 'INVALID_CHARACTERS');
      default:
        return null;
    }
  }
}

export function diagramBody(spec: { params: string; json: string }): RequestHandler[] {
  const asJson = validate({ params: spec.params, body: spec.json });
  const asXml = validate({ params: spec.params });
  const pick: RequestHandler = (req, res, next) => {
    if (!req.is(XML_TYPES)) {
      return asJson(req, res, (err?: unknown) => {
        if (err) return next(err);
        const xml = (req.valid!.body as { xml?: unknown }).xml;
        next((typeof xml === 'string' && refusal(xml)) || undefined);
      });
    }
    const xml: unknown = req.body;
    if (typeof xml !== 'string' || !xml.trim()) return next(badRequest('body', text('请求体为空：请发送 BPMN XML', 'the body is empty: send the BPMN XML')));
    asXml(req, res, (err?: unknown) => {
      if (err) return next(err);
      const refused = refusal(xml);
      if (refused) return next(refused);
      req.valid!.body = { xml };
      next();
    });
  };
  return [readXml, pick];
}
