import { declaredSecretVariables, looksLikeSecretName } from './secret-variables.js';

/** One configured secret: the variable it comes from (shown in the mask) and its value. */
export interface SecretEntry {
  name: string;
  value: string;
  /** Declared with `@SecretEnv()`: reported when too short (a guessed name is skipped quietly). */
  declared?: boolean;
}

/**
 * Secrets shorter than this are not masked: replacing every `a` or `pass` would destroy ordinary
 * text, and a key that short is guessable anyway. Such a variable is reported in `tooShort`
 * (the boot logs a warning naming it, never its value).
 */
export const MIN_SECRET_LENGTH = 6;

const BASE64_CHAR = /[A-Za-z0-9+/_-]/;

interface Needle {
  name: string;
  /** A base64 fragment: the whole surrounding base64 run is masked (e.g. a Basic auth token). */
  base64: boolean;
}

/**
 * Replaces every configured secret value in text with `[Redacted:<VARIABLE>]`, in each form a text
 * can carry it: as is, URL-encoded (percent and form encoding, either hex case), JSON-escaped (also
 * twice, a JSON body inside a JSON log line) and base64 (standard and URL alphabets, at any byte
 * offset, so `Basic base64(user:key)` is caught). Built once at boot from the environment and
 * applied at the sinks: the logger, the ledger, the quarantine, error responses, error messages.
 */
export class SecretMasker {
  private readonly needles = new Map<string, Needle>();
  private readonly pattern: RegExp | undefined;
  readonly tooShort: readonly string[];

  constructor(secrets: readonly SecretEntry[]) {
    const tooShort = new Set<string>();
    for (const { name, value, declared = true } of secrets) {
      if (value.length < MIN_SECRET_LENGTH) {
        if (value.length > 0 && declared) tooShort.add(name);
        continue;
      }
      for (const form of textForms(value)) this.add(form, { name, base64: false });
      for (const form of base64Forms(value)) this.add(form, { name, base64: true });
    }
    this.tooShort = [...tooShort].sort();
    // Longest first: a secret that contains another one is masked whole.
    const alternatives = [...this.needles.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'g') : undefined;
  }

  /** A masker that masks nothing (tests and tools without configuration). */
  static none(): SecretMasker {
    return new SecretMasker([]);
  }

  /**
   * The secrets of an environment: every variable declared with `@SecretEnv()`, every variable whose
   * name says it is a credential, and the password of every URL-valued variable.
   */
  static fromEnvironment(
    env: Readonly<Record<string, string | undefined>>,
    declared: ReadonlySet<string> = declaredSecretVariables(),
  ): SecretMasker {
    const secrets: SecretEntry[] = [];
    for (const [name, raw] of Object.entries(env)) {
      const value = raw?.trim();
      if (!value) continue;
      const isDeclared = declared.has(name);
      if (isDeclared || looksLikeSecretName(name)) secrets.push({ name, value, declared: isDeclared });
      const password = urlPassword(value);
      if (password) secrets.push({ name, value: password, declared: isDeclared });
    }
    return new SecretMasker(secrets);
  }

  /** The variables whose values are masked. */
  get names(): string[] {
    return [...new Set([...this.needles.values()].map((n) => n.name))].sort();
  }

  mask(text: string): string {
    if (!this.pattern || text.length < MIN_SECRET_LENGTH) return text;
    this.pattern.lastIndex = 0;
    let match = this.pattern.exec(text);
    if (!match) return text;
    let out = '';
    let copied = 0;
    while (match) {
      const needle = this.needles.get(match[0])!;
      let start = match.index;
      let end = start + match[0].length;
      if (needle.base64) {
        while (start > copied && BASE64_CHAR.test(text[start - 1])) start -= 1;
        while (end < text.length && (BASE64_CHAR.test(text[end]) || text[end] === '=')) end += 1;
      }
      out += `${text.slice(copied, start)}[Redacted:${needle.name}]`;
      copied = end;
      this.pattern.lastIndex = end;
      match = this.pattern.exec(text);
    }
    return out + text.slice(copied);
  }

  /** A copy of `value` with every string in it (keys too) masked; errors become plain objects. */
  maskDeep<T>(value: T): T {
    return this.pattern ? (this.walk(value, new WeakSet()) as T) : value;
  }

  /** `ancestors`: the objects on the path to `value`, so only a real cycle is cut (a shared object is copied). */
  private walk(value: unknown, ancestors: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.mask(value);
    if (!value || typeof value !== 'object') return value;
    if (ancestors.has(value)) return '[Circular]';
    ancestors.add(value);
    try {
      if (Array.isArray(value)) return value.map((v) => this.walk(v, ancestors));
      const source =
        value instanceof Error ? { ...value, name: value.name, message: value.message, stack: value.stack } : value;
      return Object.fromEntries(Object.entries(source).map(([k, v]) => [this.mask(k), this.walk(v, ancestors)]));
    } finally {
      ancestors.delete(value);
    }
  }

  private add(form: string, needle: Needle): void {
    if (form.length >= MIN_SECRET_LENGTH && !this.needles.has(form)) this.needles.set(form, needle);
  }
}

/** The secret as is, URL-encoded and JSON-escaped (and those combined). */
function textForms(value: string): string[] {
  const percent = encodeURIComponent(value);
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  const encoded = [percent, form].flatMap((e) => [e, e.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())]);
  const forms = new Set([value, ...encoded]);
  for (const f of [...forms]) {
    const once = jsonEscape(f);
    forms.add(once);
    forms.add(jsonEscape(once));
  }
  return [...forms];
}

/**
 * Base64 of the secret as it appears inside the base64 of a longer text: the bytes before it shift
 * it by 0, 1 or 2 positions, and only the characters that depend on the secret alone are kept.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const skip = shift === 0 ? 0 : shift + 1;
    const stable = Math.floor(((shift + bytes.length) * 4) / 3) - skip;
    const core = encoded.slice(skip, skip + stable);
    // A short core could occur in any base64 blob by chance.
    if (core.length < 8) continue;
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

function jsonEscape(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function urlPassword(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(value)) return undefined;
  try {
    const password = new URL(value).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
