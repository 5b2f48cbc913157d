// Flow JSON expressions (reference §1.6): a ${binding}, 'strings', numbers, true/false,
// == != < <= > >= && || ! + - * / %, parentheses, and juxtaposed values concatenated.
// `evaluate(text, get)` reads each binding with `get(path)`, e.g. get("screen.DATA.form.nik").
"use strict";
window.LoketFlowExpr = (() => {
  const TOKEN = /\s*(\$\{[^}]+\}|'(?:[^'\\]|\\.)*'|\d+(?:\.\d+)?|true\b|false\b|==|!=|<=|>=|&&|\|\||[!<>()+\-*/%])/y;

  function tokens(text) {
    const out = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < text.length) {
      const start = TOKEN.lastIndex, match = TOKEN.exec(text);
      if (!match) { if (/^\s*$/.test(text.slice(start))) break; throw new Error(`cannot read ${text.slice(start)}`); }
      out.push(match[1]);
    }
    return out;
  }

  // Recursive descent; `get(path)` reads a binding. Juxtaposed values concatenate as strings.
  function evaluate(text, get) {
    const list = tokens(text);
    let at = 0;
    const peek = () => list[at], take = () => list[at++];
    const binary = (next, ops, apply) => () => {
      let left = next();
      while (ops.includes(peek())) { const op = take(); left = apply(op, left, next()); }
      return left;
    };
    function primary() {
      const t = take();
      if (t === undefined) throw new Error("expression ends early");
      if (t === "(") { const v = or(); take(); return v; }
      if (t === "!") return !primary();
      if (t === "-") return -primary();
      if (t.startsWith("${")) return get(t.slice(2, -1));
      if (t.startsWith("'")) return t.slice(1, -1).replace(/\\(.)/g, "$1");
      if (t === "true" || t === "false") return t === "true";
      if (/^\d/.test(t)) return Number(t);
      throw new Error(`unexpected ${t}`);
    }
    const mul = binary(primary, ["*", "/", "%"], (op, a, b) => (
      op === "*" ? a * b : Number(b) === 0 ? 0 : op === "/" ? a / b : a % b));  // ÷0 is 0 (§1.6)
    const add = binary(mul, ["+", "-"], (op, a, b) => (op === "+" ? a + b : a - b));
    function concat() {
      let value = add();
      while (peek() !== undefined && (peek().startsWith("${") || peek().startsWith("'") || peek() === "(")) {
        value = String(value ?? "") + String(add() ?? "");
      }
      return value;
    }
    const rel = binary(concat, ["<", "<=", ">", ">="], (op, a, b) => (
      op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b));
    const eq = binary(rel, ["==", "!="], (op, a, b) => (op === "==" ? a === b : a !== b));
    const and = binary(eq, ["&&"], (op, a, b) => Boolean(a) && Boolean(b));
    const or = binary(and, ["||"], (op, a, b) => Boolean(a) || Boolean(b));
    const value = or();
    if (at < list.length) throw new Error(`unexpected ${peek()}`);
    return value;
  }

  return {evaluate};
})();
