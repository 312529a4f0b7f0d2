// Reads the data lake with DuckDB — a Parquet reader independent of the one that wrote it — and
// runs SQL over it, as Athena would over the bucket. Each table folder (incidents, engagements,
// feedback, sentiment, rejected) becomes a view of the same name, with its dt/hour partitions.
//
//   node lake-query.mjs --lake <directory> --sql "<statement>"     rows as JSON on stdout
//   node lake-query.mjs --lake <directory> --file <query.sql>
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const { DuckDBInstance } = createRequire(import.meta.url)('@duckdb/node-api');
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));

const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();
await connection.run("SET TimeZone = 'UTC'");
for (const table of ['incidents', 'engagements', 'feedback', 'sentiment', 'rejected']) {
  const folder = join(args.lake, table);
  if (existsSync(folder)) {
    await connection.run(`CREATE VIEW ${table} AS SELECT * FROM read_parquet('${folder}/**/*.parquet', hive_partitioning = true)`);
  }
}

const sql = args.sql ?? readFileSync(args.file, 'utf8');
const reader = await connection.runAndReadAll(sql);
const rows = reader.getRowObjectsJson();
process.stdout.write(JSON.stringify(rows));
