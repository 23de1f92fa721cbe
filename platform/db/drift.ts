/**
 * Schema drift: compares the Prisma schema (via the DMMF from @prisma/prisma-schema-wasm) with the
 * live MySQL/MariaDB database (information_schema) and returns human-readable differences.
 * An empty list means the database matches the schema.
 *
 * Compared: tables (@@map; only `_prisma_migrations` may be extra), columns (@map; type,
 * nullability, default, auto_increment; no extra columns), primary keys, unique constraints and
 * indexes (column lists and names; MySQL's implicit foreign-key indexes are ignored), and foreign
 * keys (columns, referenced table/columns, ON DELETE / ON UPDATE rules).
 * Not compared: triggers, check constraints, table collations, foreign-key constraint names
 * (a custom `map:` on @relation is not visible in the DMMF).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import * as mariadb from 'mariadb';
import { connectionOptions, maskDatabaseUrl, parseDatabaseUrl } from './url';

// ---------------------------------------------------------------------------------------------
// DMMF (the subset we use)

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  hasDefaultValue: boolean;
  default?: unknown;
  isUpdatedAt?: boolean;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

interface DmmfEnum {
  name: string;
  values: Array<{ name: string; dbName: string | null }>;
}

interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  fields: Array<{ name: string; sortOrder?: 'asc' | 'desc'; length?: number }>;
}

interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] };
}

interface SchemaWasm {
  get_dmmf(params: string): string;
}

// ---------------------------------------------------------------------------------------------
// Expected (schema) and actual (database) shapes

type IndexKind = 'primary key' | 'unique index' | 'index' | 'fulltext index';

interface IndexDef {
  kind: IndexKind;
  name: string;
  /** Column names, with " DESC" / "(len)" when the schema says so. */
  columns: string[];
}

interface ForeignKeyDef {
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}

type ExpectedDefault =
  | { kind: 'none' }
  | { kind: 'now'; precision: number }
  | { kind: 'value'; value: string }
  | { kind: 'unchecked' };

interface ExpectedColumn {
  name: string;
  /** Acceptable normalized column types; the first one is shown in messages. */
  types: string[];
  nullable: boolean;
  autoIncrement: boolean;
  default: ExpectedDefault;
}

interface ExpectedTable {
  name: string;
  columns: ExpectedColumn[];
  indexes: IndexDef[];
  foreignKeys: ForeignKeyDef[];
}

interface ActualColumn {
  name: string;
  type: string;
  nullable: boolean;
  autoIncrement: boolean;
  default: string | null;
}

interface ActualTable {
  name: string;
  engine: string | null;
  columns: Map<string, ActualColumn>;
  indexes: IndexDef[];
  foreignKeys: ForeignKeyDef[];
}

const MIGRATIONS_TABLE = '_prisma_migrations';
const MAX_IDENTIFIER_LENGTH = 64;

// ---------------------------------------------------------------------------------------------
// Schema side

function readSchemaFiles(schemaPath: string): Array<[string, string]> {
  if (!statSync(schemaPath).isDirectory()) return [[schemaPath, readFileSync(schemaPath, 'utf8')]];
  const files: Array<[string, string]> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.prisma')) files.push([full, readFileSync(full, 'utf8')]);
    }
  };
  walk(schemaPath);
  return files.sort((a, b) => a[0].localeCompare(b[0]));
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

export function loadDmmf(schemaPath: string): { dmmf: Dmmf; relationModePrisma: boolean } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@prisma/prisma-schema-wasm') as SchemaWasm;
  const files = readSchemaFiles(schemaPath);
  let raw: string;
  try {
    raw = wasm.get_dmmf(JSON.stringify({ prismaSchema: files.length === 1 ? files[0]![1] : files }));
  } catch (err) {
    let message = err instanceof Error ? err.message : String(err);
    try {
      const parsed = JSON.parse(message) as { message?: string };
      if (parsed.message) message = parsed.message;
    } catch {
      /* not JSON */
    }
    throw new Error(`Invalid Prisma schema ${schemaPath}:\n${stripAnsi(message)}`, { cause: err });
  }
  const relationModePrisma = files.some(([, text]) => /^\s*relationMode\s*=\s*"prisma"/m.test(text));
  return { dmmf: JSON.parse(raw) as Dmmf, relationModePrisma };
}

/** Prisma's default constraint names: `<table>_<columns>_<suffix>`, cut to 64 characters. */
export function defaultConstraintName(table: string, columns: string[], suffix: '_key' | '_idx' | '_fkey'): string {
  let base = `${table}_${columns.join('_')}`;
  if (base.length + suffix.length > MAX_IDENTIFIER_LENGTH) base = base.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length);
  return base + suffix;
}

function quoteEnumValue(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

/** Prisma scalar type + native type attribute → MySQL column type, as information_schema normalizes it. */
function expectedTypes(field: DmmfField, enums: Map<string, string[]>): string[] {
  if (field.kind === 'enum') {
    const values = enums.get(field.type) ?? [];
    return [`enum(${values.map(quoteEnumValue).join(',')})`];
  }
  const [native, args = []] = field.nativeType ?? [undefined, []];
  const n = (i: number): string | undefined => args[i];
  const withPrecision = (base: string, fallback: string | undefined): string => {
    const p = n(0) ?? fallback;
    return p === undefined || p === '0' ? base : `${base}(${p})`;
  };
  switch (field.type) {
    case 'String':
      switch (native) {
        case undefined:
          return ['varchar(191)'];
        case 'VarChar':
          return [`varchar(${n(0)})`];
        case 'Char':
          return [`char(${n(0)})`];
        case 'TinyText':
        case 'Text':
        case 'MediumText':
        case 'LongText':
          return [native.toLowerCase()];
        default:
          break;
      }
      break;
    case 'Int':
    case 'BigInt': {
      const byNative: Record<string, string> = {
        Int: 'int',
        SmallInt: 'smallint',
        TinyInt: 'tinyint',
        MediumInt: 'mediumint',
        BigInt: 'bigint',
        Year: 'year',
        UnsignedInt: 'int unsigned',
        UnsignedSmallInt: 'smallint unsigned',
        UnsignedTinyInt: 'tinyint unsigned',
        UnsignedMediumInt: 'mediumint unsigned',
        UnsignedBigInt: 'bigint unsigned',
      };
      if (native === undefined) return [field.type === 'Int' ? 'int' : 'bigint'];
      if (byNative[native]) return [byNative[native]!];
      break;
    }
    case 'Boolean':
      if (native === undefined || native === 'TinyInt') return ['tinyint(1)'];
      if (native === 'Bit') return ['bit(1)'];
      break;
    case 'Float':
      if (native === undefined || native === 'Double') return ['double'];
      if (native === 'Float') return ['float'];
      break;
    case 'Decimal':
      if (native === undefined) return ['decimal(65,30)'];
      if (native === 'Decimal') return [args.length ? `decimal(${args.join(',')})` : 'decimal(10,0)'];
      break;
    case 'DateTime':
      switch (native) {
        case undefined:
          return ['datetime(3)'];
        case 'DateTime':
          return [withPrecision('datetime', undefined)];
        case 'Timestamp':
          return [withPrecision('timestamp', undefined)];
        case 'Time':
          return [withPrecision('time', undefined)];
        case 'Date':
          return ['date'];
        default:
          break;
      }
      break;
    case 'Json':
      // MariaDB implements JSON as LONGTEXT (plus a json_valid CHECK).
      return ['json', 'longtext'];
    case 'Bytes':
      switch (native) {
        case undefined:
          return ['longblob'];
        case 'Binary':
        case 'VarBinary':
        case 'Bit':
          return [`${native.toLowerCase()}(${n(0)})`];
        case 'TinyBlob':
        case 'Blob':
        case 'MediumBlob':
        case 'LongBlob':
          return [native.toLowerCase()];
        default:
          break;
      }
      break;
    default:
      break;
  }
  // Anything else: trust the native type as written.
  const fallback = native ? `${native.toLowerCase()}${args.length ? `(${args.join(',')})` : ''}` : field.type.toLowerCase();
  return [fallback];
}

function expectedDefault(field: DmmfField, enumDbValue: (value: string) => string): ExpectedDefault {
  if (!field.hasDefaultValue || field.default === undefined) return { kind: 'none' };
  // Prisma never renders JSON defaults on MySQL.
  if (field.type === 'Json') return { kind: 'none' };
  const d = field.default;
  if (typeof d === 'object' && d !== null && !Array.isArray(d) && 'name' in d) {
    const fn = (d as { name: string }).name;
    if (fn === 'now') {
      const p = field.nativeType?.[1]?.[0];
      return { kind: 'now', precision: p === undefined ? 3 : Number(p) };
    }
    if (fn === 'autoincrement') return { kind: 'none' };
    if (fn === 'dbgenerated') return { kind: 'unchecked' };
    return { kind: 'none' }; // uuid(), cuid(), nanoid() … are generated by Prisma Client
  }
  if (typeof d === 'boolean') return { kind: 'value', value: d ? '1' : '0' };
  if (typeof d === 'number') return { kind: 'value', value: String(d) };
  if (typeof d === 'string') return { kind: 'value', value: field.kind === 'enum' ? enumDbValue(d) : d };
  return { kind: 'unchecked' };
}

function referentialAction(action: string): string {
  switch (action) {
    case 'Cascade':
      return 'CASCADE';
    case 'Restrict':
      return 'RESTRICT';
    case 'NoAction':
      return 'NO ACTION';
    case 'SetNull':
      return 'SET NULL';
    case 'SetDefault':
      return 'SET DEFAULT';
    default:
      return action.toUpperCase();
  }
}

export function expectedTables(dmmf: Dmmf, relationModePrisma = false): ExpectedTable[] {
  const { models, enums, indexes } = dmmf.datamodel;
  const enumValues = new Map(enums.map((e) => [e.name, e.values.map((v) => v.dbName ?? v.name)]));
  const tableOf = (m: DmmfModel): string => m.dbName ?? m.name;
  const columnOf = (f: DmmfField): string => f.dbName ?? f.name;

  return models.map((model) => {
    const table = tableOf(model);
    const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
    const byName = new Map(scalars.map((f) => [f.name, f]));
    const enumDbValue = (fieldType: string) => (value: string) => {
      const e = enums.find((x) => x.name === fieldType);
      return e?.values.find((v) => v.name === value)?.dbName ?? value;
    };

    const columns: ExpectedColumn[] = scalars.map((f) => ({
      name: columnOf(f),
      types: expectedTypes(f, enumValues),
      nullable: !f.isRequired,
      autoIncrement:
        typeof f.default === 'object' && f.default !== null && (f.default as { name?: string }).name === 'autoincrement',
      default: expectedDefault(f, enumDbValue(f.type)),
    }));

    const indexDefs: IndexDef[] = indexes
      .filter((i) => i.model === model.name)
      .map((i) => {
        const cols = i.fields.map((x) => {
          const f = byName.get(x.name);
          return f ? columnOf(f) : x.name;
        });
        const rendered = i.fields.map(
          (x, k) => `${cols[k]}${x.length !== undefined ? `(${x.length})` : ''}${x.sortOrder === 'desc' ? ' DESC' : ''}`,
        );
        switch (i.type) {
          case 'id':
            return { kind: 'primary key', name: 'PRIMARY', columns: rendered };
          case 'unique':
            return { kind: 'unique index', name: i.dbName ?? defaultConstraintName(table, cols, '_key'), columns: rendered };
          case 'fulltext':
            return { kind: 'fulltext index', name: i.dbName ?? defaultConstraintName(table, cols, '_idx'), columns: rendered };
          default:
            return { kind: 'index', name: i.dbName ?? defaultConstraintName(table, cols, '_idx'), columns: rendered };
        }
      });

    const foreignKeys: ForeignKeyDef[] = relationModePrisma
      ? []
      : model.fields
          .filter((f) => f.kind === 'object' && (f.relationFromFields?.length ?? 0) > 0)
          .map((f) => {
            const target = models.find((m) => m.name === f.type);
            const cols = f.relationFromFields!.map((n) => {
              const sf = byName.get(n);
              return sf ? columnOf(sf) : n;
            });
            const refColumns = (f.relationToFields ?? []).map((n) => {
              const tf = target?.fields.find((x) => x.name === n);
              return tf ? columnOf(tf) : n;
            });
            return {
              name: defaultConstraintName(table, cols, '_fkey'),
              columns: cols,
              refTable: target ? tableOf(target) : f.type,
              refColumns,
              onDelete: referentialAction(f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull')),
              onUpdate: referentialAction(f.relationOnUpdate ?? 'Cascade'),
            };
          });

    return { name: table, columns, indexes: indexDefs, foreignKeys };
  });
}

// ---------------------------------------------------------------------------------------------
// Database side

/** information_schema COLUMN_TYPE → comparable form (drops integer display widths, except tinyint(1)). */
export function normalizeColumnType(columnType: string): string {
  const enumOrSet = /^(enum|set)(\(.*\))$/is.exec(columnType.trim());
  if (enumOrSet) return `${enumOrSet[1]!.toLowerCase()}${enumOrSet[2]}`; // values are case-sensitive
  let t = columnType.trim().toLowerCase().replace(/\s+/g, ' ');
  t = t.replace(/^(tinyint|smallint|mediumint|int|integer|bigint)\((\d+)\)/, (_m, base: string, width: string) =>
    base === 'tinyint' && width === '1' ? 'tinyint(1)' : base === 'integer' ? 'int' : base,
  );
  t = t.replace(/^integer\b/, 'int');
  t = t.replace(/^decimal\((\d+),\s*(\d+)\)/, 'decimal($1,$2)');
  t = t.replace(/^year\(4\)$/, 'year');
  return t;
}

/** information_schema COLUMN_DEFAULT (MySQL and MariaDB spellings) → comparable form, null = none. */
export function normalizeColumnDefault(raw: string | null): string | null {
  if (raw === null || raw === 'NULL') return null; // MariaDB prints an unquoted NULL for "no default"
  const quoted = /^'(.*)'$/s.exec(raw);
  if (quoted) return quoted[1]!.replace(/''/g, "'").replace(/\\\\/g, '\\');
  const now = /^current_timestamp(?:\((\d*)\))?$/i.exec(raw);
  if (now) return `current_timestamp(${now[1] ? now[1] : '0'})`;
  return raw;
}

async function readDatabase(conn: mariadb.Connection, database: string): Promise<Map<string, ActualTable>> {
  const tables = new Map<string, ActualTable>();
  const tableRows: Array<{ name: string; engine: string | null }> = await conn.query(
    `SELECT TABLE_NAME AS name, ENGINE AS engine FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'`,
    [database],
  );
  for (const t of tableRows) {
    tables.set(t.name, { name: t.name, engine: t.engine, columns: new Map(), indexes: [], foreignKeys: [] });
  }

  const columnRows: Array<{
    tableName: string;
    name: string;
    type: string;
    nullable: string;
    dflt: string | null;
    extra: string;
  }> = await conn.query(
    `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
            COLUMN_DEFAULT AS dflt, EXTRA AS extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [database],
  );
  for (const c of columnRows) {
    tables.get(c.tableName)?.columns.set(c.name, {
      name: c.name,
      type: normalizeColumnType(String(c.type)),
      nullable: c.nullable === 'YES',
      autoIncrement: /auto_increment/i.test(c.extra ?? ''),
      default: normalizeColumnDefault(c.dflt === null ? null : String(c.dflt)),
    });
  }

  const statRows: Array<{
    tableName: string;
    indexName: string;
    nonUnique: number | bigint | string;
    seq: number | bigint;
    column: string;
    subPart: number | bigint | null;
    collation: string | null;
    indexType: string;
  }> = await conn.query(
    `SELECT TABLE_NAME AS tableName, INDEX_NAME AS indexName, NON_UNIQUE AS nonUnique, SEQ_IN_INDEX AS seq,
            COLUMN_NAME AS \`column\`, SUB_PART AS subPart, COLLATION AS collation, INDEX_TYPE AS indexType
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [database],
  );
  const indexMap = new Map<string, IndexDef>();
  for (const s of statRows) {
    const table = tables.get(s.tableName);
    if (!table) continue;
    const key = `${s.tableName}\u0000${s.indexName}`;
    let idx = indexMap.get(key);
    if (!idx) {
      const kind: IndexKind =
        s.indexName === 'PRIMARY'
          ? 'primary key'
          : String(s.indexType).toUpperCase() === 'FULLTEXT'
            ? 'fulltext index'
            : Number(s.nonUnique) === 0
              ? 'unique index'
              : 'index';
      idx = { kind, name: s.indexName, columns: [] };
      indexMap.set(key, idx);
      table.indexes.push(idx);
    }
    idx.columns.push(
      `${s.column}${s.subPart !== null ? `(${Number(s.subPart)})` : ''}${s.collation === 'D' ? ' DESC' : ''}`,
    );
  }

  const fkRows: Array<{
    tableName: string;
    name: string;
    column: string;
    refTable: string;
    refColumn: string;
    onDelete: string;
    onUpdate: string;
  }> = await conn.query(
    `SELECT k.TABLE_NAME AS tableName, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS \`column\`,
            k.REFERENCED_TABLE_NAME AS refTable, k.REFERENCED_COLUMN_NAME AS refColumn,
            r.DELETE_RULE AS onDelete, r.UPDATE_RULE AS onUpdate
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
        AND r.TABLE_NAME = k.TABLE_NAME
      WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    [database],
  );
  const fkMap = new Map<string, ForeignKeyDef>();
  for (const r of fkRows) {
    const table = tables.get(r.tableName);
    if (!table) continue;
    const key = `${r.tableName}\u0000${r.name}`;
    let fk = fkMap.get(key);
    if (!fk) {
      fk = { name: r.name, columns: [], refTable: r.refTable, refColumns: [], onDelete: r.onDelete, onUpdate: r.onUpdate };
      fkMap.set(key, fk);
      table.foreignKeys.push(fk);
    }
    fk.columns.push(r.column);
    fk.refColumns.push(r.refColumn);
  }
  return tables;
}

// ---------------------------------------------------------------------------------------------
// Comparison

const list = (cols: string[]): string => `(${cols.join(', ')})`;
const sameList = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function describeDefault(d: ExpectedDefault): string {
  if (d.kind === 'now') return `CURRENT_TIMESTAMP(${d.precision})`;
  if (d.kind === 'value') return `'${d.value}'`;
  return d.kind;
}

function defaultMatches(expected: ExpectedDefault, actual: string | null): boolean {
  switch (expected.kind) {
    case 'unchecked':
      return true;
    case 'none':
      return actual === null;
    case 'now':
      return actual !== null && actual.toLowerCase() === `current_timestamp(${expected.precision})`;
    case 'value': {
      if (actual === null) return false;
      if (actual === expected.value) return true;
      const a = Number(actual);
      const e = Number(expected.value);
      return actual.trim() !== '' && expected.value.trim() !== '' && Number.isFinite(a) && Number.isFinite(e) && a === e;
    }
  }
}

export function compareSchemas(expected: ExpectedTable[], actual: Map<string, ActualTable>): string[] {
  const diffs: string[] = [];
  const expectedNames = new Set(expected.map((t) => t.name));

  for (const exp of expected) {
    const act = actual.get(exp.name);
    if (!act) {
      diffs.push(`${exp.name}: missing table`);
      continue;
    }
    if (act.engine && act.engine.toLowerCase() !== 'innodb') {
      diffs.push(`${exp.name}: engine ${act.engine}, expected InnoDB`);
    }

    // Columns
    for (const col of exp.columns) {
      const c = act.columns.get(col.name);
      const where = `${exp.name}.${col.name}`;
      if (!c) {
        diffs.push(`${where}: missing column`);
        continue;
      }
      if (!col.types.includes(c.type)) diffs.push(`${where}: type ${c.type} differs from schema ${col.types[0]}`);
      if (c.nullable !== col.nullable) {
        diffs.push(
          col.nullable
            ? `${where}: NOT NULL in the database, optional in the schema`
            : `${where}: nullable in the database, required in the schema`,
        );
      }
      if (c.autoIncrement !== col.autoIncrement) {
        diffs.push(col.autoIncrement ? `${where}: AUTO_INCREMENT missing` : `${where}: unexpected AUTO_INCREMENT`);
      }
      if (!defaultMatches(col.default, c.default)) {
        diffs.push(
          c.default === null
            ? `${where}: default missing (schema ${describeDefault(col.default)})`
            : col.default.kind === 'none'
              ? `${where}: unexpected default '${c.default}' (schema has none)`
              : `${where}: default '${c.default}' differs from schema ${describeDefault(col.default)}`,
        );
      }
    }
    const expectedColumns = new Set(exp.columns.map((c) => c.name));
    for (const name of act.columns.keys()) {
      if (!expectedColumns.has(name)) diffs.push(`${exp.name}.${name}: extra column (not in the schema)`);
    }

    // Primary key, unique constraints and indexes
    const pool = [...act.indexes];
    const take = (i: number): IndexDef => pool.splice(i, 1)[0]!;
    for (const idx of exp.indexes) {
      const candidates = pool
        .map((a, i) => ({ a, i }))
        .filter(({ a }) => a.kind === idx.kind && sameList(a.columns, idx.columns));
      const match = candidates.find(({ a }) => a.name === idx.name) ?? candidates[0];
      if (match) {
        const a = take(match.i);
        if (idx.kind !== 'primary key' && a.name !== idx.name) {
          diffs.push(`${exp.name}: ${idx.kind} ${list(idx.columns)} is named ${a.name}, schema expects ${idx.name}`);
        }
        continue;
      }
      if (idx.kind === 'primary key') {
        const pk = pool.findIndex((a) => a.kind === 'primary key');
        if (pk >= 0) {
          diffs.push(`${exp.name}: primary key ${list(take(pk).columns)} differs from schema ${list(idx.columns)}`);
        } else {
          diffs.push(`${exp.name}: primary key ${list(idx.columns)} missing`);
        }
        continue;
      }
      diffs.push(`${exp.name}: ${idx.kind} ${list(idx.columns)} missing`);
    }
    for (const a of pool) {
      // MySQL adds an index named after the constraint when no index starts with the FK columns.
      const implicitFkIndex =
        a.kind === 'index' && act.foreignKeys.some((fk) => fk.name === a.name && sameList(fk.columns, a.columns));
      if (implicitFkIndex) continue;
      diffs.push(
        a.kind === 'primary key'
          ? `${exp.name}: extra primary key ${list(a.columns)} (schema has none)`
          : `${exp.name}: extra ${a.kind} ${a.name} ${list(a.columns)} (not in the schema)`,
      );
    }

    // Foreign keys
    const fkPool = [...act.foreignKeys];
    for (const fk of exp.foreignKeys) {
      const target = `${fk.refTable}${list(fk.refColumns)}`;
      const i = fkPool.findIndex((a) => sameList(a.columns, fk.columns));
      if (i < 0) {
        diffs.push(`${exp.name}: foreign key ${list(fk.columns)} → ${target} missing`);
        continue;
      }
      const a = fkPool.splice(i, 1)[0]!;
      const actualTarget = `${a.refTable}${list(a.refColumns)}`;
      if (actualTarget !== target) {
        diffs.push(`${exp.name}: foreign key ${list(fk.columns)} references ${actualTarget}, schema says ${target}`);
      }
      if (a.onDelete !== fk.onDelete) {
        diffs.push(`${exp.name}: foreign key ${list(fk.columns)} ON DELETE ${a.onDelete} differs from schema ${fk.onDelete}`);
      }
      if (a.onUpdate !== fk.onUpdate) {
        diffs.push(`${exp.name}: foreign key ${list(fk.columns)} ON UPDATE ${a.onUpdate} differs from schema ${fk.onUpdate}`);
      }
    }
    for (const a of fkPool) {
      diffs.push(
        `${exp.name}: extra foreign key ${a.name} ${list(a.columns)} → ${a.refTable}${list(a.refColumns)} (not in the schema)`,
      );
    }
  }

  for (const name of [...actual.keys()].sort()) {
    if (!expectedNames.has(name) && name !== MIGRATIONS_TABLE) diffs.push(`${name}: extra table (not in the schema)`);
  }
  return diffs;
}

/** Differences between the Prisma schema at `schemaPath` and the database; [] when in sync. */
export async function schemaDrift(databaseUrl: string, schemaPath: string): Promise<string[]> {
  const { dmmf, relationModePrisma } = loadDmmf(schemaPath);
  const expected = expectedTables(dmmf, relationModePrisma);
  const { database } = parseDatabaseUrl(databaseUrl);
  if (!database) throw new Error(`DATABASE_URL ${maskDatabaseUrl(databaseUrl)} names no database`);
  const conn = await mariadb.createConnection(connectionOptions(databaseUrl));
  try {
    const actual = await readDatabase(conn, database);
    return compareSchemas(expected, actual);
  } finally {
    await conn.end().catch(() => undefined);
  }
}
