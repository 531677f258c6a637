import { readFile } from 'node:fs/promises';
import { UsageError } from './command.js';

/**
 * The JSON text of `ledger tx --payload`: the argument itself, `@FILE` for a file's content, or
 * `-` for standard input (payloads with quotes and amounts are easier to keep in a file than to
 * escape for a shell). Throws UsageError when the file cannot be read.
 */
export async function readPayloadArg(value: string, stdin: AsyncIterable<Uint8Array | string> = process.stdin): Promise<string> {
  if (value === '-') {
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    return text + decoder.decode();
  }
  if (!value.startsWith('@')) return value;
  try {
    return await readFile(value.slice(1), 'utf8');
  } catch (e) {
    throw new UsageError(`--payload ${value}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
