/** One frame of a stack trace. */
export interface StackFrame {
  /** A file path (file:// URLs are converted), or a runtime pseudo-location such as `node:internal/…`. */
  filePath: string;
  /** 1-based, as stack traces print them. */
  line?: number;
  column?: number;
  function?: string;
  /** False for dependencies (`node_modules`, site-packages), the runtime and the standard library. */
  isUserCode: boolean;
}

/** Stack texts longer than this are cut before parsing; the frames that matter come first. */
const MAX_STACK_CHARS = 256 * 1024;
const MAX_FRAMES = 500;

const V8_FRAME = /^\s*at\s+(?:(.+?)\s+\((.+)\)|(.+))\s*$/;
const FIREFOX_FRAME = /^\s*([^@\s]*)@(.+:\d+(?::\d+)?)\s*$/;
const PYTHON_FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+))?\s*$/;
const LOCATION = /^(.*?):(\d+)(?::(\d+))?$/;

const NOT_USER_PATTERNS: readonly RegExp[] = [
  /[\\/]node_modules[\\/]/,
  /^node:/,
  /^internal[\\/]/,
  /^(bun|ext|deno):/,
  /[\\/](site|dist)-packages[\\/]/,
  /[\\/]lib[\\/]python\d+(\.\d+)?[\\/]/i,
  /^[a-z]:\\python\d*\\lib\\/i,
  /^</,
  /^native$/,
];

/** True when a frame's file belongs to the program being debugged rather than a library or the runtime. */
export function isUserFile(filePath: string): boolean {
  if (filePath.length === 0) return false;
  for (const pattern of NOT_USER_PATTERNS) if (pattern.test(filePath)) return false;
  return true;
}

function fileUrlToPath(location: string): string {
  if (!location.startsWith('file://')) return location;
  let path = location.slice('file://'.length);
  try {
    path = decodeURIComponent(path);
  } catch {
    // Keep a malformed escape as written.
  }
  // file:///C:/x → C:/x on Windows.
  return /^\/[a-zA-Z]:[\\/]/.test(path) ? path.slice(1) : path;
}

function frameAt(location: string, fn: string | undefined): StackFrame | undefined {
  const trimmed = location.trim();
  // `eval at f (file:1:2), <anonymous>:1:1`: the outer location is the file that called eval.
  const evalMatch = /^eval at .*?\((.+?)\)/.exec(trimmed);
  const target = evalMatch ? evalMatch[1] : trimmed;
  const m = LOCATION.exec(target);
  const filePath = fileUrlToPath(m ? m[1] : target);
  if (!filePath) return undefined;
  const name = fn
    ?.replace(/^async\s+/, '')
    .replace(/\s+\[as .+\]$/, '')
    .trim();
  return {
    filePath,
    line: m ? Number(m[2]) : undefined,
    column: m && m[3] ? Number(m[3]) : undefined,
    function: name || undefined,
    isUserCode: m !== null && isUserFile(filePath),
  };
}

/**
 * Parses Node/V8 (`at fn (file:line:col)`), Firefox/Safari (`fn@file:line:col`) and Python
 * (`File "x.py", line N, in fn`) stack traces. Frames come innermost first whatever the format:
 * Python prints the innermost frame last, so its frames are reversed. Never throws.
 */
export function parseStackFrames(text: string): StackFrame[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const lines = (text.length > MAX_STACK_CHARS ? text.slice(0, MAX_STACK_CHARS) : text).split(/\r?\n/);
  const frames: StackFrame[] = [];
  let python = false;
  for (const line of lines) {
    if (frames.length >= MAX_FRAMES) break;
    const py = PYTHON_FRAME.exec(line);
    if (py) {
      python = true;
      const filePath = py[1];
      frames.push({
        filePath,
        line: Number(py[2]),
        function: py[3]?.trim() || undefined,
        isUserCode: isUserFile(filePath),
      });
      continue;
    }
    const v8 = V8_FRAME.exec(line);
    if (v8) {
      const frame = v8[2] !== undefined ? frameAt(v8[2], v8[1]) : frameAt(v8[3].replace(/^async\s+/, ''), undefined);
      if (frame) frames.push(frame);
      continue;
    }
    const ff = FIREFOX_FRAME.exec(line);
    if (ff) {
      const frame = frameAt(ff[2], ff[1] || undefined);
      if (frame) frames.push(frame);
    }
  }
  return python ? frames.reverse() : frames;
}

/** The innermost frame in the user's own code, if any. */
export function firstUserFrame(text: string): StackFrame | undefined {
  for (const frame of parseStackFrames(text)) if (frame.isUserCode) return frame;
  return undefined;
}
