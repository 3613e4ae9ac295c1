/**
 * Just enough YAML for our own manifests (block maps, block lists of maps or scalars, flow lists of
 * scalars, quoted and plain scalars, comments), so tests check structure rather than grep text. Not a
 * general parser: anchors, multi-line strings and flow maps are refused.
 */
type Node = string | number | boolean | null | Node[] | { [k: string]: Node };

interface Line {
  indent: number;
  text: string;
  no: number;
}

function scalar(raw: string): Node {
  const s = raw.trim();
  if (s === '' || s === '~' || s === 'null') return null;
  if (s === 'true' || s === 'false') return s === 'true';
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (s.startsWith('"')) return JSON.parse(s) as string;
  if (s.startsWith("'")) return s.slice(1, -1).replace(/''/g, "'");
  if (s.startsWith('[')) return s.slice(1, -1).split(',').map((x) => scalar(x)).filter((x) => x !== null);
  if (/^[&*|>{]/.test(s)) throw new Error(`miniYaml: unsupported value ${s}`);
  return s;
}

function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || text[i - 1] === ' ')) return text.slice(0, i).trimEnd();
  }
  return text.trimEnd();
}

export function parseYaml(source: string): Node {
  const lines: Line[] = source
    .split('\n')
    .map((raw, i) => ({ indent: raw.length - raw.trimStart().length, text: stripComment(raw.trim()), no: i + 1 }))
    .filter((l) => l.text !== '' && l.text !== '---');
  let pos = 0;

  function block(indent: number): Node {
    const first = lines[pos];
    if (!first || first.indent < indent) return null;
    return first.text.startsWith('- ') || first.text === '-' ? list(first.indent) : map(first.indent);
  }

  function map(indent: number, into: { [k: string]: Node } = {}): { [k: string]: Node } {
    while (pos < lines.length && lines[pos]!.indent === indent && !lines[pos]!.text.startsWith('- ')) {
      const line = lines[pos++]!;
      const m = /^([^:]+):(?:\s+(.*))?$/.exec(line.text);
      if (!m) throw new Error(`miniYaml: line ${line.no}: expected "key: value"`);
      const [, key, value] = m;
      into[key!.trim()] = value === undefined || value === '' ? block(indent + 1) : scalar(value);
    }
    return into;
  }

  function list(indent: number): Node[] {
    const out: Node[] = [];
    while (pos < lines.length && lines[pos]!.indent === indent && lines[pos]!.text.startsWith('-')) {
      const line = lines[pos]!;
      const rest = line.text.slice(1).trim();
      if (rest === '') {
        pos++;
        out.push(block(indent + 1));
      } else if (/^[^"'[][^:]*:(\s|$)/.test(rest)) {
        // "- key: value" opens a map whose other keys sit under the first one.
        const itemIndent = indent + line.text.indexOf(rest);
        lines[pos] = { indent: itemIndent, text: rest, no: line.no };
        out.push(map(itemIndent));
      } else {
        pos++;
        out.push(scalar(rest));
      }
    }
    return out;
  }

  const result = block(0);
  if (pos < lines.length) throw new Error(`miniYaml: line ${lines[pos]!.no}: unexpected indentation`);
  return result;
}
