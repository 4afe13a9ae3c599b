import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/cli/config-file.ts';
import { UsageError } from '../../src/errors.ts';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import { configSchema, optionsFromValues } from '../../src/schema/config.ts';
import { DEFAULT_SUBPROCESS } from '../../src/schema/subprocess.ts';

function problemsOf(text: string): string {
  try {
    parseConfigText('sub.json', text);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('no error');
}

describe('config file: the subprocess section', () => {
  it('reads every key, applies the documented defaults and keeps the line', () => {
    const config = parseConfigText('/etc/sub.json', '{\n  "time_scale": 0.01,\n  "subprocess": {\n    "command": ["sh", "agent.sh"],\n    "env": {"B": "2", "A": "1"}\n  }\n}\n');
    expect(config.values).toEqual({ time_scale: 0.01 });
    expect(config.subprocess).toEqual({ line: 3, settings: { command: ['sh', 'agent.sh'], timeoutS: 600, killGraceS: 5, maxOutputBytes: 65_536, env: { A: '1', B: '2' } } });
    const options = optionsFromValues(config.values, config.subprocess?.settings);
    expect(options.timeScale).toBe(0.01);
    expect(options.subprocess.command).toEqual(['sh', 'agent.sh']);
  });

  it('is optional: the defaults are no command, 600 s, 5 s, 65536 bytes, no env', () => {
    expect(parseConfigText('c.json', '{}').subprocess).toBeNull();
    expect(DEFAULT_OPTIONS.subprocess).toEqual(DEFAULT_SUBPROCESS);
    expect(DEFAULT_OPTIONS.timeScale).toBe(1);
    expect(parseConfigText('c.json', '{"subprocess": {}}').subprocess?.settings).toEqual(DEFAULT_SUBPROCESS);
  });

  it('names each bad key of the object at its own line, as FILE:line: subprocess.key: problem', () => {
    const text = '{\n  "subprocess": {\n    "command": "sh agent.sh",\n    "timeout_s": 0,\n    "kill_grace": 2,\n    "max_output_bytes": 1.5,\n    "env": {"A B": "x", "OK": 3}\n  }\n}\n';
    expect(problemsOf(text).split('\n')).toEqual([
      'sub.json:3: subprocess.command: must be an array, got string "sh agent.sh"',
      'sub.json:4: subprocess.timeout_s: must be > 0, got 0',
      'sub.json:5: subprocess.kill_grace: unknown key (did you mean kill_grace_s?); expected one of command, timeout_s, kill_grace_s, max_output_bytes, env',
      'sub.json:6: subprocess.max_output_bytes: must be an integer, got 1.5',
      'sub.json:7: subprocess.env.A B: expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*)',
      'sub.json:7: subprocess.env.OK: must be a string, got number 3',
    ]);
  });

  it('refuses an empty argv, an empty word and a non-object', () => {
    expect(problemsOf('{"subprocess": {"command": []}}')).toBe('sub.json:1: subprocess.command: must have at least 1 items, got 0');
    expect(problemsOf('{"subprocess": {"command": ["sh", ""]}}')).toContain('subprocess.command[1]: ');
    expect(problemsOf('{"subprocess": ["sh"]}')).toBe('sub.json:1: subprocess: expected an object {"command": ["prog", "arg"], "timeout_s": 600, ...}');
    expect(problemsOf('{"time_scale": 0}')).toBe('sub.json:1: time_scale: expected a number > 0, got 0');
    expect(problemsOf('{"subproces": {}}')).toBe('sub.json:1: subproces: unknown key (did you mean subprocess?)');
  });

  it('is in the published JSON Schema of the config file', () => {
    const parsed = configSchema.safeParse({ subprocess: { command: ['true'], timeout_s: 3 }, time_scale: 0.5 });
    expect(parsed.success).toBe(true);
    expect(configSchema.safeParse({ subprocess: { command: 'true' } }).success).toBe(false);
  });
});
