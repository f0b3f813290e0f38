// Finding where a function is defined by reading source text — used when telemetry only names a function
// (layer 4) and no editor symbol provider is at hand (the CLI), and to place a name inside a file that is
// already known. Deliberately conservative: a definition, not a call, in the common languages' syntax.

export interface TextDefinition {
  line: number; // 1-based
  column: number; // 1-based
}

const SOURCE_EXT = /\.(?:[cm]?[jt]sx?|py|java|kt|kts|scala|groovy|cs|fs|vb|go|rb|php|rs|swift|ex|exs|erl)$/i;

export function isSourceFile(p: string): boolean {
  return SOURCE_EXT.test(p);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Definitions of `name` in `text`, in file order. */
export function findDefinitions(text: string, name: string): TextDefinition[] {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return [];
  const n = escapeRe(name);
  const patterns = [
    // JS/TS: function name(, async function* name(, export default function name(
    new RegExp(`\\bfunction\\s*\\*?\\s*(${n})\\s*[<(]`),
    // JS/TS: const name = (…) =>, name = async function, name: function
    new RegExp(`(?:^|[\\s,{;])(?:const|let|var|readonly|static|public|private|protected)?\\s*(${n})\\s*[:=]\\s*(?:async\\s+)?(?:function\\b|\\([^)]*\\)\\s*(?::[^=]+)?=>|[A-Za-z_$][\\w$]*\\s*=>)`),
    // class methods (JS/TS/Java/C#/Kotlin/Swift/PHP): name(args) {  — not preceded by a call context
    new RegExp(`^\\s*(?:(?:public|private|protected|internal|static|async|override|virtual|abstract|final|synchronized|export|default|get|set|open|suspend|fun|func|function|def|fn|pub|sub)\\s+|[\\w<>\\[\\],.?]+\\s+)*(${n})\\s*(?:<[^>]*>)?\\s*\\([^;]*$`),
    // Python / Ruby / Elixir: def name
    new RegExp(`^\\s*(?:async\\s+)?def[p]?\\s+(?:self\\.)?(${n})\\b`),
    // Go: func name( / func (r *T) name(
    new RegExp(`^\\s*func\\s+(?:\\([^)]*\\)\\s*)?(${n})\\s*[\\[(]`),
    // Rust: fn name
    new RegExp(`^\\s*(?:pub(?:\\([^)]*\\))?\\s+)?(?:async\\s+)?fn\\s+(${n})\\b`),
  ];
  const out: TextDefinition[] = [];
  const lines = text.split('\n');
  const CONTROL = /^\s*(?:if|for|while|switch|catch|return|else|do|try|await|new|throw|yield|case)\b/;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length > 2000 || !line.includes(name)) continue;
    if (CONTROL.test(line)) continue;
    for (const re of patterns) {
      const m = re.exec(line);
      if (!m) continue;
      // a call like `foo(x);` on its own line is not a definition: require an opening brace, a colon
      // (Python), `=>`/`=`, or the end of a multi-line signature on this line or the next
      const rest = line.slice(m.index + m[0].length);
      if (re === patterns[2] && !/[{:]\s*$|=>|\)\s*(?::\s*[^;]+)?\s*\{?\s*$/.test(line)) continue;
      if (re === patterns[2] && /;\s*$/.test(rest)) continue;
      out.push({ line: i + 1, column: line.indexOf(m[1], m.index) + 1 });
      break;
    }
  }
  return out;
}

/**
 * File paths a namespace suggests: Java `com.example.orders.OrderService` → com/example/orders/OrderService.java
 * (and .kt/.scala/.groovy), Python `app.handlers.orders` → app/handlers/orders.py, Ruby `Shop::OrdersController`
 * → shop/orders_controller.rb, .NET `Shop.Orders.OrderService` → OrderService.cs. Returned as segment lists.
 */
export function namespaceFileGuesses(namespace: string): string[][] {
  const out: string[][] = [];
  if (!namespace || namespace.length > 500) return out;
  if (namespace.includes('::')) {
    const parts = namespace.split('::').map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
    out.push([...parts.slice(0, -1), parts[parts.length - 1] + '.rb']);
    return out;
  }
  const parts = namespace.split('.').filter(Boolean);
  if (parts.length === 0 || !parts.every((p) => /^[\w$]+$/.test(p))) return out;
  const last = parts[parts.length - 1].split('$')[0];
  const dirs = parts.slice(0, -1);
  for (const ext of ['java', 'kt', 'scala', 'groovy']) out.push([...dirs, `${last}.${ext}`]);
  out.push([...dirs, `${last}.py`], [...parts, '__init__.py'], [`${last}.cs`], [...dirs, `${last}.ts`], [...dirs, `${last}.js`]);
  return out;
}
