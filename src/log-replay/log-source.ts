/**
 * Reads access-log files as streams of lines, gzip or not, without holding a file in memory: a
 * 1 MB read buffer and the lines of one chunk at a time. `.gz` files (or any file starting with the
 * gzip magic bytes) go through Node's zlib.
 */
import { accessSync, closeSync, constants, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { UsageError } from '../engine/errors.js';

/** An access-log file that cannot be read: the CLI's one line and exit 2. */
export class LogFileError extends UsageError {}

const READ_BUFFER_BYTES = 1 << 20;

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') return 'not a valid gzip file';
  return error instanceof Error ? error.message : String(error);
}

function isGzip(path: string): boolean {
  if (path.endsWith('.gz')) return true;
  const descriptor = openSync(path, 'r');
  try {
    const magic = Buffer.alloc(2);
    return readSync(descriptor, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(descriptor);
  }
}

/** Size and compression of a log file that exists and can be read; LogFileError otherwise. */
export function checkLogFile(path: string, label: string): { size: number; gzip: boolean } {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    accessSync(path, constants.R_OK);
    return { size: stat.size, gzip: isGzip(path) };
  } catch (error) {
    throw new LogFileError(`cannot read ${label}: ${describeError(error)}`);
  }
}

export class LogLineSource {
  readonly gzip: boolean;
  readonly size: number;
  /** Bytes of the file read so far (compressed bytes for gzip): the progress line's measure. */
  bytesRead = 0;
  lineNumber = 0;
  private readonly chunks: AsyncIterator<Buffer>;
  private readonly decoder = new StringDecoder('utf8');
  private lines: string[] = [];
  private next = 0;
  private remainder = '';
  private ended = false;

  /** Opens the file; throws LogFileError (missing, unreadable, a folder) before any line is read. */
  constructor(readonly path: string, readonly label: string) {
    const { size, gzip } = checkLogFile(path, label);
    this.size = size;
    this.gzip = gzip;
    const file = createReadStream(path, { highWaterMark: READ_BUFFER_BYTES });
    file.on('data', (chunk) => {
      this.bytesRead += chunk.length;
    });
    const stream: Readable = this.gzip ? file.pipe(createGunzip({ chunkSize: READ_BUFFER_BYTES })) : file;
    // A read error on the file itself reaches the gunzip stream's consumer only if forwarded.
    if (this.gzip) file.on('error', (error) => stream.destroy(error));
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** The next line (without its line break), or undefined at the end of the file. */
  async readLine(): Promise<string | undefined> {
    while (this.next >= this.lines.length) {
      if (this.ended) return undefined;
      await this.fill();
    }
    this.lineNumber++;
    return this.lines[this.next++];
  }

  /** The next line if one is already buffered; undefined when the caller must await readLine. */
  readBufferedLine(): string | undefined {
    if (this.next >= this.lines.length) return undefined;
    this.lineNumber++;
    return this.lines[this.next++];
  }

  /** Up to `count` lines from the start of the file, without consuming them (format detection). */
  async peekLines(count: number): Promise<string[]> {
    while (this.lines.length - this.next < count && !this.ended) await this.fill(true);
    return this.lines.slice(this.next, this.next + count);
  }

  private async fill(keep = false): Promise<void> {
    let result: IteratorResult<Buffer>;
    try {
      result = await this.chunks.next();
    } catch (error) {
      throw new LogFileError(`cannot read ${this.label}: ${describeError(error)}`);
    }
    const kept = keep ? this.lines.slice(this.next) : [];
    this.next = 0;
    if (result.done) {
      this.ended = true;
      const tail = this.remainder + this.decoder.end();
      this.remainder = '';
      this.lines = tail.length > 0 ? [...kept, stripCarriageReturn(tail)] : kept;
      return;
    }
    const text = this.remainder + this.decoder.write(result.value);
    const parts = text.split('\n');
    this.remainder = parts.pop()!;
    for (let index = 0; index < parts.length; index++) parts[index] = stripCarriageReturn(parts[index]!);
    this.lines = kept.length > 0 ? [...kept, ...parts] : parts;
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
