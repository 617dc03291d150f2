/**
 * The command as a user would type it in bash: each argument POSIX-quoted where needed, and
 * one holding a control character in ANSI-C form (`$'a\nb'`), so the text stays on one line.
 */
export function renderCommand(args: string[]): string {
  return ['docker', ...args].map(quoteArg).join(' ');
}

function quoteArg(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f\u2028\u2029]/.test(arg)) return `'${arg.replace(/'/g, `'\\''`)}'`;
  const escaped = [...arg]
    .map((ch) => {
      const code = ch.codePointAt(0)!;
      if (ch === '\\' || ch === "'") return `\\${ch}`;
      if (ch === '\n') return '\\n';
      if (ch === '\r') return '\\r';
      if (ch === '\t') return '\\t';
      if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
      if (code === 0x2028 || code === 0x2029) return `\\u${code.toString(16)}`;
      return ch;
    })
    .join('');
  return `$'${escaped}'`;
}
