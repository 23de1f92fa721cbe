/**
 * `npm run -s cli -- process compile <file.bpmn>`, run as a person or a build script runs it:
 *   exit 0  the process model JSON on stdout
 *   exit 1  {"errors":[{"element","type","message",…}]} on stdout
 *   exit 2  unreadable input (not XML, not BPMN, no such file): a message on stderr, nothing on stdout
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { root } from '../support/processes';

const FIXTURES = path.join(root, 'tests', 'fixtures', 'bpmn');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function compileCommand(file: string): Promise<Run> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const child = spawn(npm, ['run', '-s', 'cli', '--', 'process', 'compile', file], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run -s cli -- process compile <file>', () => {
  it('given a reference process, then it exits 0 and stdout is the process model as JSON', async () => {
    const run = await compileCommand(path.join('diagrams', 'standard-closed-loop.bpmn'));
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const model = JSON.parse(run.stdout);
    expect(model).toMatchObject({ format: 1, id: 'standard-closed-loop', name: '标准闭环', start: 'StartEvent_Reported' });
    expect(model.elements.Task_Accept).toMatchObject({ type: 'userTask', assignee: 'tier:current', deadline: { kind: 'duration', duration: 'PT2H', calendar: 'WORKING_HOURS' } });
    expect(Object.keys(model.flows).length).toBeGreaterThan(10);
  });

  it('given a diagram with a user task without an assignee, then it exits 1 and stdout is exactly {"errors":[…]}, every error naming element, type and message', async () => {
    const run = await compileCommand(path.join(FIXTURES, 'user-task-without-assignee.bpmn'));
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(Object.keys(out)).toEqual(['errors']);
    expect(out.errors.length).toBeGreaterThan(0);
    for (const e of out.errors) {
      expect(e).toEqual(expect.objectContaining({ element: expect.stringMatching(/\S/), type: expect.stringMatching(/^bpmn:[A-Z]/), message: expect.stringMatching(/\S/) }));
    }
    expect(out.errors).toContainEqual(expect.objectContaining({ element: 'Task_Handle', type: 'bpmn:UserTask', message: expect.stringContaining('no assignee rule (grid:assignee') }));
  });

  it('given a file that is not XML, then it exits 2 with the reason on stderr and nothing on stdout', async () => {
    const run = await compileCommand(path.join(FIXTURES, 'not-a-diagram.bpmn'));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/not-a-diagram\.bpmn is unreadable: the input is not XML/);
  });

  it('given a file that does not exist, then it exits 2 naming the file on stderr and nothing on stdout', async () => {
    const missing = path.join(FIXTURES, 'no-such-diagram.bpmn');
    const run = await compileCommand(missing);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`cannot read ${missing}: ENOENT`);
  });
});
