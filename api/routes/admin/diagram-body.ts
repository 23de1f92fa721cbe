/**
 * A BPMN diagram in the body: raw `application/xml` / `text/xml` (what a modeler exports), or JSON
 * `{ "xml": "…" }`. Either way the controller reads `input(req).body.xml`.
 */
import express, { type RequestHandler } from 'express';
import { badRequest, text } from '../../http/errors';
import { validate } from '../../http/validate';
import { MAX_DIAGRAM_BYTES } from '../../../process/compiler';

export const XML_TYPES = ['application/xml', 'text/xml', 'application/bpmn+xml'];

const xmlText = express.text({ type: XML_TYPES, limit: MAX_DIAGRAM_BYTES });

export function diagramBody(spec: { params: string; json: string }): RequestHandler[] {
  const asJson = validate({ params: spec.params, body: spec.json });
  const asXml = validate({ params: spec.params });
  const pick: RequestHandler = (req, res, next) => {
    if (!req.is(XML_TYPES)) return asJson(req, res, next);
    const xml: unknown = req.body;
    if (typeof xml !== 'string' || !xml.trim()) return next(badRequest('body', text('请求体为空：请发送 BPMN XML', 'the body is empty: send the BPMN XML')));
    asXml(req, res, (err?: unknown) => {
      if (err) return next(err);
      req.valid!.body = { xml };
      next();
    });
  };
  return [xmlText, pick];
}
