/**
 * Merges several access logs into one stream in time order, in bounded memory.
 *
 * Each file is assumed roughly time-ordered: servers write a line when the response ends, so a
 * slow request's line lands after quicker requests that started later, and several instances'
 * files interleave. The merge is a k-way merge that always reads from the file that is furthest
 * behind, holding parsed requests in a min-heap by time, and releases a request only once every
 * open file has been read past its time plus the reorder window. Lines out of order by less than
 * the window come out in order; a line later than that is still replayed, where it stands, and
 * counted as late. The heap holds about one window of log traffic; past a hard cap it releases its
 * earliest request regardless (counted too), so a file stuck far behind cannot exhaust memory.
 */
import { detectLogFormat, DETECTION_SAMPLE_LINES, LINE_PARSERS } from './log-formats.js';
import type { LogFormat, LogRequest } from './log-request.js';
import type { LogLineSource } from './log-source.js';

export interface MergeOptions {
  /** Milliseconds of log time a line may be out of order and still come out in order. */
  reorderWindowMs: number;
  /** The most parsed requests held waiting for the window; past it the earliest is released. */
  maxBuffered: number;
  /** Forces every file's format; otherwise each file's is detected from its first lines. */
  format?: LogFormat;
  /** Called every `progressEvery` lines read with the counts so far. */
  onProgress?: (stats: MergeStats) => void;
  progressEvery?: number;
}

export interface FileStats {
  file: string;
  format?: LogFormat;
  gzip: boolean;
  lines: number;
  requests: number;
  malformed: number;
  /** Lines that parse but are no request (an application's own messages in a pino file, `"-"` requests). */
  other: number;
  empty: number;
}

export interface MergeStats {
  files: FileStats[];
  lines: number;
  requests: number;
  malformed: number;
  other: number;
  /** Requests that arrived more than the reorder window after a later one had been replayed. */
  late: number;
  /** Requests released early because the buffer was full. */
  forced: number;
  firstTime?: number;
  lastTime?: number;
  bytesRead: number;
  bytesTotal: number;
}

interface Pending {
  request: LogRequest;
  seq: number;
}

/** A binary min-heap by (time, arrival order): equal times keep the order they were read in. */
class RequestHeap {
  private readonly items: Pending[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Pending | undefined {
    return this.items[0];
  }
  push(item: Pending): void {
    const items = this.items;
    items.push(item);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(items[index]!, items[parent]!)) break;
      [items[index], items[parent]] = [items[parent]!, items[index]!];
      index = parent;
    }
  }
  pop(): Pending | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < items.length && before(items[left]!, items[smallest]!)) smallest = left;
        if (right < items.length && before(items[right]!, items[smallest]!)) smallest = right;
        if (smallest === index) break;
        [items[index], items[smallest]] = [items[smallest]!, items[index]!];
        index = smallest;
      }
    }
    return top;
  }
}

function before(a: Pending, b: Pending): boolean {
  return a.request.time < b.request.time || (a.request.time === b.request.time && a.seq < b.seq);
}

interface OpenFile {
  source: LogLineSource;
  parse: (line: string) => ReturnType<(typeof LINE_PARSERS)[LogFormat]>;
  stats: FileStats;
  /** The latest time read from this file: nothing earlier than this minus the window is expected from it. */
  readUpTo: number;
  done: boolean;
}

/** Replays every request of `sources`, merged in time order, into `onRequest`; resolves with the counts. */
export async function mergeLogs(sources: readonly LogLineSource[], options: MergeOptions, onRequest: (request: LogRequest) => void): Promise<MergeStats> {
  const files: OpenFile[] = [];
  for (const source of sources) {
    const stats: FileStats = { file: source.label, gzip: source.gzip, lines: 0, requests: 0, malformed: 0, other: 0, empty: 0 };
    let format = options.format;
    if (!format) {
      const sample = (await source.peekLines(DETECTION_SAMPLE_LINES * 4)).filter((line) => line.trim().length > 0).slice(0, DETECTION_SAMPLE_LINES);
      format = detectLogFormat(sample);
    }
    if (format) stats.format = format;
    // A file whose format reads as none: every line is counted malformed, the other files still replay.
    const parse = format ? LINE_PARSERS[format] : () => ({ kind: 'malformed' }) as const;
    files.push({ source, parse, stats, readUpTo: Number.NEGATIVE_INFINITY, done: false });
  }
  const merged: MergeStats = {
    files: files.map((file) => file.stats),
    lines: 0,
    requests: 0,
    malformed: 0,
    other: 0,
    late: 0,
    forced: 0,
    bytesRead: 0,
    bytesTotal: sources.reduce((sum, source) => sum + source.size, 0),
  };
  const heap = new RequestHeap();
  let seq = 0;
  let lastReleased = Number.NEGATIVE_INFINITY;
  const progressEvery = options.progressEvery ?? 100_000;
  const release = (): void => {
    const { request } = heap.pop()!;
    if (request.time < lastReleased) merged.late++;
    else lastReleased = request.time;
    merged.firstTime = merged.firstTime === undefined ? request.time : Math.min(merged.firstTime, request.time);
    merged.lastTime = merged.lastTime === undefined ? request.time : Math.max(merged.lastTime, request.time);
    onRequest(request);
  };
  for (;;) {
    // The file furthest behind is read next: that is what keeps the heap to one window of traffic.
    let laggard: OpenFile | undefined;
    for (const file of files) if (!file.done && (!laggard || file.readUpTo < laggard.readUpTo)) laggard = file;
    if (!laggard) break;
    const line = laggard.source.readBufferedLine() ?? (await laggard.source.readLine());
    if (line === undefined) {
      laggard.done = true;
    } else {
      readLine(laggard, line);
    }
    let watermark = Number.POSITIVE_INFINITY;
    for (const file of files) if (!file.done && file.readUpTo < watermark) watermark = file.readUpTo;
    const releaseBefore = watermark - options.reorderWindowMs;
    while (heap.size > 0 && heap.peek()!.request.time <= releaseBefore) release();
    while (heap.size > options.maxBuffered) {
      merged.forced++;
      release();
    }
    if (merged.lines % progressEvery === 0 && options.onProgress) {
      merged.bytesRead = sources.reduce((sum, source) => sum + source.bytesRead, 0);
      options.onProgress(merged);
    }
  }
  while (heap.size > 0) release();
  merged.bytesRead = sources.reduce((sum, source) => sum + source.bytesRead, 0);
  return merged;

  function readLine(file: OpenFile, line: string): void {
    merged.lines++;
    file.stats.lines++;
    if (line.length === 0 || line.trim().length === 0) {
      file.stats.empty++;
      return;
    }
    const parsed = file.parse(line);
    if (parsed.kind === 'malformed') {
      merged.malformed++;
      file.stats.malformed++;
      return;
    }
    if (parsed.kind === 'other') {
      merged.other++;
      file.stats.other++;
      return;
    }
    merged.requests++;
    file.stats.requests++;
    // The parser's object is fresh: completed in place rather than copied, once per line.
    const request = parsed.request as LogRequest;
    request.file = file.source.label;
    request.lineNumber = file.source.lineNumber;
    request.line = line;
    if (request.time > file.readUpTo) file.readUpTo = request.time;
    heap.push({ request, seq: seq++ });
  }
}
