/**
 * Uploaded BPMN is size-limited and parsed without entity expansion, proven three ways:
 *
 *   - the parser itself (bpmn-moddle on saxen), with the API's guard bypassed: for generated
 *     diagrams declaring external, public and parameter entities on a file holding a secret (and on
 *     /etc/passwd), the secret never appears in what is parsed; billion laughs and quadratic
 *     blow-up parse at once and come out the size they went in (nothing is expanded);
 *   - the guard (process/compiler.ts checkDiagramSource), shared by the API and the CLI: any text
 *     with <!DOCTYPE or <!ENTITY, in any case and anywhere, is refused before parsing, as is one
 *     byte over MAX_DIAGRAM_BYTES, elements nested deeper than MAX_DIAGRAM_DEPTH and characters XML
 *     cannot carry;
 *   - the API (PUT …/draft, POST …/validate, raw XML or JSON): such diagrams are a 422 or 413
 *     problem naming body.xml with the reason in Chinese (default) and English, and nothing is
 *     written; entity references without a declaration are kept literally through draft, validate,
 *     deploy, the version's XML and model, and no stored row or answer holds the file's content;
 *   - the CLI (`process compile <file>`) refuses the same diagrams, and a file over the limit
 *     without reading it whole.
 *
 * Seed 20261124 (FUZZ_SEED overrides), FUZZ_RUNS runs per property (default 20).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import request from 'supertest';
import { checkDiagramSource, createModdle, MAX_DIAGRAM_BYTES, MAX_DIAGRAM_DEPTH, UnreadableDiagramError } from '../../process/compiler';
import { compileProcessFile } from '../../cli/process';
import { startApiSuite, type ApiSuite } from '../support/api';
import { uniqueSuffix } from '../support/env';
import { changedTables, FIXTURE_DIAGRAM, HOSTILE_DIAGRAMS, nestedDiagram, tableSnapshot } from './fuzz-support';

const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const PASSWD_LINE = fs.existsSync('/etc/passwd') ? fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0] : 'root:x:0:0:';
const COMPILES = FIXTURE_DIAGRAM.replace('<bpmn:userTask id="Task_Handle" name="处置"', '<bpmn:userTask id="Task_Handle" name="处置" grid:assignee="tier:current"');
const withProlog = (xml: string, prolog: string) => xml.replace(/^(<\?xml[^>]*\?>)?/, (decl) => `${decl}${prolog}`);

/** Every string reachable in what the parser made (moddle elements point back to their parents). */
function stringsOf(root: unknown): string {
  const seen = new Set<unknown>();
  const out: string[] = [];
  const stack = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object' && !seen.has(v)) {
      seen.add(v);
      for (const [k, c] of Object.entries(v)) if (k !== '$parent' && k !== '$model' && k !== '$descriptor') stack.push(c, k);
    }
  }
  return out.join('\n');
}

describe('BPMN: size-limited, and parsed without entity expansion or reading files', () => {
  const secretFile = path.join(os.tmpdir(), `gridcase-secret-${uniqueSuffix()}.txt`);
  const secret = `GRIDCASE-SECRET-${crypto.randomBytes(8).toString('hex')}`;

  beforeAll(() => fs.writeFileSync(secretFile, `${secret}\n`));
  afterAll(() => fs.rmSync(secretFile, { force: true }));

  describe('the parser (bpmn-moddle on saxen), the guard bypassed', () => {
    it('given entities declared on a secret file or /etc/passwd (external, public, parameter; referenced in attributes and text), the parsed diagram never holds the file’s content', async () => {
      const decl = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/), fc.constantFrom('system-path', 'system-url', 'public', 'parameter'), fc.constantFrom(secretFile, '/etc/passwd'));
      await fc.assert(
        fc.asyncProperty(decl, fc.constantFrom('name', 'documentation', 'both'), async ([name, kind, file], where) => {
          const url = `file://${file}`;
          const subset =
            kind === 'system-path'
              ? `<!ENTITY ${name} SYSTEM "${file}">`
              : kind === 'system-url'
                ? `<!ENTITY ${name} SYSTEM "${url}">`
                : kind === 'public'
                  ? `<!ENTITY ${name} PUBLIC "-//X//Y" "${url}">`
                  : `<!ENTITY % ${name} SYSTEM "${url}"> %${name};`;
          let xml = withProlog(COMPILES, `<!DOCTYPE bpmn:definitions [${subset}]>`);
          if (where !== 'documentation') xml = xml.replace('name="处置"', `name="&${name};"`);
          if (where !== 'name') xml = xml.replace('<bpmn:incoming>Flow_ToHandle</bpmn:incoming>', `<bpmn:documentation>&${name};</bpmn:documentation><bpmn:incoming>Flow_ToHandle</bpmn:incoming>`);
          let parsed: unknown;
          try {
            parsed = await createModdle().fromXML(xml, 'bpmn:Definitions');
          } catch (e) {
            parsed = (e as Error).message;
          }
          const all = stringsOf(parsed);
          expect(all).not.toContain(secret);
          expect(all).not.toContain(PASSWD_LINE);
          // the reference is left as it was written
          if (typeof parsed !== 'string') expect(all).toContain(`&${name};`);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });

    it('given billion laughs or quadratic blow-up, it parses at once and expands nothing (the parsed text is about the size of the input)', async () => {
      for (const [label, xml] of HOSTILE_DIAGRAMS.filter(([l]) => /laughs|quadratic/.test(l))) {
        const t0 = Date.now();
        const parsed = await createModdle().fromXML(xml, 'bpmn:Definitions');
        expect({ label, ms: Date.now() - t0 < 5000 }).toEqual({ label, ms: true });
        expect(stringsOf(parsed).length).toBeLessThan(xml.length * 2);
      }
    });
  });

  describe('the guard before parsing (checkDiagramSource), shared by the API and the CLI', () => {
    const refusal = (xml: string) => {
      try {
        checkDiagramSource(xml);
        return null;
      } catch (e) {
        if (!(e instanceof UnreadableDiagramError)) throw e;
        return e.refusal ?? 'other';
      }
    };

    it('given any text with <!DOCTYPE or <!ENTITY in any case, anywhere, it is refused as a DTD', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 200 }), fc.mixedCase(fc.constantFrom('<!DOCTYPE', '<!ENTITY')), fc.string({ maxLength: 200 }), (a, decl, b) => {
          const xml = `${a}${decl}${b}`;
          if (Buffer.byteLength(xml) <= MAX_DIAGRAM_BYTES) expect(refusal(xml)).toBe('dtd');
        }),
        { seed: SEED, numRuns: RUNS * 10 },
      );
    });

    it('given one byte over the limit it is refused as too large; at the limit it is not; past the depth limit as too deep; a control character or an unpaired surrogate as characters', () => {
      const pad = (xml: string, bytes: number) => xml.replace('</bpmn:definitions>', `<!--${'x'.repeat(bytes - Buffer.byteLength(xml) - 7)}--></bpmn:definitions>`);
      expect(Buffer.byteLength(pad(COMPILES, MAX_DIAGRAM_BYTES))).toBe(MAX_DIAGRAM_BYTES);
      expect(refusal(pad(COMPILES, MAX_DIAGRAM_BYTES))).toBeNull();
      expect(refusal(pad(COMPILES, MAX_DIAGRAM_BYTES + 1))).toBe('too-large');
      expect(refusal(`${'<a>'.repeat(MAX_DIAGRAM_DEPTH)}${'</a>'.repeat(MAX_DIAGRAM_DEPTH)}`)).toBeNull();
      expect(refusal(`${'<a>'.repeat(MAX_DIAGRAM_DEPTH + 1)}${'</a>'.repeat(MAX_DIAGRAM_DEPTH + 1)}`)).toBe('too-deep');
      expect(refusal(nestedDiagram(3000))).toBe('too-deep');
      fc.assert(
        fc.property(fc.string({ maxLength: 50 }), fc.constantFrom('\u0000', '\u0001', '\u001b', '\ud800', '\udfff', '\uffff'), (a, bad) => {
          expect(refusal(`<x>${a}${bad}</x>`)).toBe('characters');
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
  });

  describe('through the API', () => {
    let s: ApiSuite;
    let admin: string;
    const key = `fuzz-bpmn-${uniqueSuffix()}`.slice(0, 40);

    beforeAll(async () => {
      s = await startApiSuite('bpmn-fuzz');
      admin = await s.auth('admin');
      const created = await request(s.app).post('/api/admin/processes').set('Authorization', admin).send({ key, name: '模糊测试流程' });
      if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
      const saved = await request(s.app).put(`/api/admin/processes/${key}/draft`).set('Authorization', admin).set('Content-Type', 'application/xml').send(COMPILES);
      if (saved.status !== 200) throw new Error(`draft failed: ${saved.status} ${saved.text}`);
    });

    afterAll(async () => {
      if (s) await s.close();
    });

    const send = (op: 'draft' | 'validate', type: string, xml: string, lang: 'en' | null) => {
      const r = (op === 'draft' ? request(s.app).put(`/api/admin/processes/${key}/draft`) : request(s.app).post(`/api/admin/processes/${key}/validate`)).set('Authorization', admin);
      if (lang) r.set('Accept-Language', lang);
      return type === 'json' ? r.send({ xml }) : r.set('Content-Type', type).send(xml);
    };

    it('given a diagram with a DOCTYPE or entities (external, parameter, billion laughs, blow-up …), draft and validate answer 422 DTD_NOT_ALLOWED naming body.xml, in Chinese or English, and nothing is written', async () => {
      const arb = fc.tuple(fc.constantFrom('draft' as const, 'validate' as const), fc.constantFrom('application/xml', 'text/xml', 'application/bpmn+xml', 'application/xml; charset=utf-8', 'json'), fc.constantFrom(...HOSTILE_DIAGRAMS.filter(([, x]) => Buffer.byteLength(x) < 200_000)), fc.constantFrom<'en' | null>('en', null));
      let before = await tableSnapshot(s.prisma);
      await fc.assert(
        fc.asyncProperty(arb, async ([op, type, [label, xml], lang]) => {
          const res = await send(op, type, xml, lang);
          const what = `${op} ${type} ${label} ${lang ?? 'zh'} → ${res.status} ${res.text.slice(0, 300)}`;
          expect({ what, status: res.status, type: res.headers['content-type'] }).toEqual({ what, status: 422, type: expect.stringMatching(/^application\/problem\+json/) });
          const p = JSON.parse(res.text);
          expect(p).toMatchObject({ status: 422, field: 'body.xml', code: 'DTD_NOT_ALLOWED', title: lang === 'en' ? 'Unprocessable Content' : '内容无法处理' });
          expect(p.detail).toMatch(lang === 'en' ? /must not declare a DOCTYPE or entities/ : /不得包含 DOCTYPE 或实体声明/);
          expect(res.text).not.toContain(PASSWD_LINE);
          const after = await tableSnapshot(s.prisma);
          expect(changedTables(before, after)).toEqual([]);
          before = after;
        }),
        { seed: SEED, numRuns: RUNS * 2 },
      );
      // the saved draft is still the one saved before
      expect((await request(s.app).get(`/api/admin/processes/${key}/draft`).set('Authorization', admin)).text).toBe(COMPILES);
    });

    it('given a raw diagram one byte over 2 MiB, draft and validate answer 413 DIAGRAM_TOO_LARGE naming body.xml with the limit; at exactly 2 MiB the diagram is read', async () => {
      const pad = (bytes: number) => COMPILES.replace('</bpmn:definitions>', `<!--${'x'.repeat(bytes - Buffer.byteLength(COMPILES) - 7)}--></bpmn:definitions>`);
      for (const op of ['draft', 'validate'] as const) {
        for (const lang of ['en', null] as const) {
          const res = await send(op, 'application/xml', pad(MAX_DIAGRAM_BYTES + 1), lang);
          expect(res.status).toBe(413);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(JSON.parse(res.text)).toMatchObject({ status: 413, field: 'body.xml', code: 'DIAGRAM_TOO_LARGE', detail: lang === 'en' ? 'the diagram must be at most 2 MiB (2097152 bytes)' : '流程图不能超过 2 MiB（2097152 字节）' });
        }
      }
      const atLimit = await send('validate', 'application/xml', pad(MAX_DIAGRAM_BYTES), null);
      expect({ status: atLimit.status, ok: atLimit.body.ok }).toEqual({ status: 200, ok: true });
      // as JSON the body limit of every JSON request comes first
      const json = await send('validate', 'json', pad(300 * 1024), null);
      expect(json.status).toBe(413);
      expect(JSON.parse(json.text)).toMatchObject({ status: 413, field: 'body' });
    });

    it('given control characters, a body that is not UTF-8 or sub-processes nested 3000 deep, draft and validate answer a 4xx naming the diagram and write nothing', async () => {
      const before = await tableSnapshot(s.prisma);
      const cases: [string, string | Buffer, number, string][] = [
        ['NUL in a name', COMPILES.replace('name="处置"', 'name="处\u0000置"'), 422, 'INVALID_CHARACTERS'],
        ['an escape character', COMPILES.replace('name="处置"', 'name="\u001b[31m"'), 422, 'INVALID_CHARACTERS'],
        ['3000 nested sub-processes', nestedDiagram(3000), 422, 'DIAGRAM_TOO_DEEP'],
        ['Latin-1 bytes', Buffer.from(COMPILES.replace('name="处置"', 'name="café"'), 'latin1'), 400, ''],
      ];
      for (const op of ['draft', 'validate'] as const) {
        for (const [label, xml, status, code] of cases) {
          const r = (op === 'draft' ? request(s.app).put(`/api/admin/processes/${key}/draft`) : request(s.app).post(`/api/admin/processes/${key}/validate`)).set('Authorization', admin).set('Content-Type', 'application/xml');
          const res = await (Buffer.isBuffer(xml) ? r.serialize((x: unknown) => x as string).send(xml as unknown as string) : r.send(xml));
          expect({ label, op, status: res.status }).toEqual({ label, op, status });
          expect(JSON.parse(res.text)).toMatchObject({ status, field: code ? 'body.xml' : 'body', ...(code ? { code } : {}) });
        }
      }
      expect(changedTables(before, await tableSnapshot(s.prisma))).toEqual([]);
    });

    it('given entity references without a declaration, they are kept literally through draft, validate, deploy, version XML and model: no answer and no stored row holds a file’s content', async () => {
      const xml = COMPILES.replace('name="处置"', 'name="&xxe;"').replace('<bpmn:incoming>Flow_ToHandle</bpmn:incoming>', `<bpmn:documentation>&xxe; &passwd; file://${secretFile}</bpmn:documentation><bpmn:incoming>Flow_ToHandle</bpmn:incoming>`);
      const answers: string[] = [];
      const keep = (res: request.Response) => {
        answers.push(res.text);
        return res;
      };
      expect(keep(await send('draft', 'application/xml', xml, null)).status).toBe(200);
      expect(keep(await request(s.app).get(`/api/admin/processes/${key}/draft`).set('Authorization', admin)).text).toBe(xml);
      const checked = keep(await send('validate', 'json', xml, 'en'));
      expect(checked.body).toMatchObject({ ok: true });
      const deployed = keep(await request(s.app).post(`/api/admin/processes/${key}/deploy`).set('Authorization', admin));
      expect(deployed.status).toBe(201);
      const version = deployed.body.version as number;
      expect(keep(await request(s.app).get(`/api/admin/processes/${key}/versions/${version}/xml`).set('Authorization', admin)).text).toBe(xml);
      const model = keep(await request(s.app).get(`/api/admin/processes/${key}/versions/${version}/model`).set('Authorization', admin));
      expect(model.body.elements.Task_Handle.name).toBe('&xxe;');
      for (const a of answers) {
        expect(a).not.toContain(secret);
        expect(a).not.toContain(PASSWD_LINE);
      }
      const leaks = await s.prisma.$queryRawUnsafe<{ n: bigint }[]>(
        'SELECT (SELECT COUNT(*) FROM process_definitions WHERE draftXml LIKE ? OR draftXml LIKE ?) + (SELECT COUNT(*) FROM process_versions WHERE bpmnXml LIKE ? OR bpmnXml LIKE ? OR CAST(model AS CHAR) LIKE ? OR CAST(model AS CHAR) LIKE ?) AS n',
        ...[`%${secret}%`, `%${PASSWD_LINE}%`, `%${secret}%`, `%${PASSWD_LINE}%`, `%${secret}%`, `%${PASSWD_LINE}%`],
      );
      expect(Number(leaks[0].n)).toBe(0);
    });
  });

  describe('the CLI (process compile <file>)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridcase-cli-'));
    let stderr = '';
    let spy: jest.SpyInstance;
    beforeEach(() => {
      stderr = '';
      spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        stderr += String(chunk);
        return true;
      });
    });
    afterEach(() => spy.mockRestore());
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('given a file with a DOCTYPE and an external entity, it exits 2 saying so, and prints nothing of the file it names', async () => {
      const file = path.join(dir, 'xxe.bpmn');
      fs.writeFileSync(file, withProlog(COMPILES, `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://${secretFile}">]>`).replace('name="处置"', 'name="&xxe;"'));
      const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        expect(await compileProcessFile(file)).toBe(2);
        expect(out).not.toHaveBeenCalled();
      } finally {
        out.mockRestore();
      }
      expect(stderr).toContain('must not declare a DOCTYPE or entities');
      expect(stderr).not.toContain(secret);
    });

    it('given a file far over the limit (a sparse 4 GiB file), it exits 2 at once without reading it whole', async () => {
      const file = path.join(dir, 'huge.bpmn');
      fs.writeFileSync(file, COMPILES);
      fs.truncateSync(file, 4 * 1024 ** 3);
      const t0 = Date.now();
      expect(await compileProcessFile(file)).toBe(2);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(stderr).toContain(`larger than ${MAX_DIAGRAM_BYTES} bytes`);
    });
  });
});
