/** The baseline's activities (bench/baseline-workflow.ts): one plain row per write, no ORM, no transaction. */
import type { Pool } from 'mariadb';

export const BASELINE_TABLE = 'bench_baseline_rows';

export const CREATE_BASELINE_TABLE = `CREATE TABLE IF NOT EXISTS \`${BASELINE_TABLE}\` (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  workflow_id VARCHAR(100) NOT NULL,
  step VARCHAR(40) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY workflow_step (workflow_id, step)
) ENGINE=InnoDB`;

export function createBaselineActivities(pool: Pool) {
  return {
    async writeRow(input: { workflowId: string; step: string }): Promise<void> {
      await pool.query(`INSERT INTO \`${BASELINE_TABLE}\` (workflow_id, step) VALUES (?, ?)`, [input.workflowId, input.step]);
    },
    async readRows(input: { workflowId: string }): Promise<number> {
      const rows = (await pool.query(`SELECT COUNT(*) AS n FROM \`${BASELINE_TABLE}\` WHERE workflow_id = ?`, [input.workflowId])) as Array<{ n: bigint | number }>;
      return Number(rows[0]?.n ?? 0);
    },
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
