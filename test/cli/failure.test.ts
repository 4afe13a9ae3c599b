import { describe, expect, it } from 'vitest';
import { EXIT, ExitError, InputError, UsageError } from '../../src/errors.ts';
import { INTERNAL_ERROR_PREFIX, printable, reportError, USAGE_HINT } from '../../src/cli/failure.ts';

function capture(): { stream: { write(text: string): boolean }; text: () => string } {
  let text = '';
  return {
    stream: {
      write(chunk: string) {
        text += chunk;
        return true;
      },
    },
    text: () => text,
  };
}

class DiskError extends ExitError {
  readonly exitCode = EXIT.usage;
}

describe('printable', () => {
  it('keeps the message\'s own line breaks and escapes control characters inside each line', () => {
    expect(printable('line one\nline \u001b[31mtwo\r')).toBe('line one\nline \\u001b[31mtwo\\r');
  });

  it('returns plain text unchanged', () => {
    expect(printable('--out: outputs/ is not a folder')).toBe('--out: outputs/ is not a folder');
  });
});

describe('reportError on hostile text', () => {
  it('a usage error naming an untrusted value prints no escape sequence and no extra line', () => {
    const err = capture();
    const code = reportError(new UsageError('--config: evil\u001b]0;title\u0007.json: not found'), err.stream, false);
    expect(code).toBe(EXIT.usage);
    expect(err.text()).toBe(`--config: evil\\u001b]0;title\\u0007.json: not found\n${USAGE_HINT}\n`);
  });

  it('another exit error keeps its code and is escaped the same way', () => {
    const err = capture();
    expect(reportError(new DiskError('--out: x\u2028y: disk full'), err.stream, false)).toBe(EXIT.usage);
    expect(err.text()).toBe('--out: x\\u2028y: disk full\n');
  });

  it('an input error without diagnostics escapes its message', () => {
    const err = capture();
    reportError(new InputError('cannot read in\u001bput'), err.stream, false);
    expect(err.text()).toBe('input error: cannot read in\\u001bput; nothing was written\n');
  });

  it('an internal error escapes its message and prints no stack without --debug', () => {
    const err = capture();
    expect(reportError(new Error('bad\u001bthing'), err.stream, false)).toBe(EXIT.internal);
    expect(err.text()).toBe(`${INTERNAL_ERROR_PREFIX}bad\\u001bthing\n`);
  });
});
