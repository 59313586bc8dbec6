import type { IamPolicy } from './schemas.js';

/**
 * IAM role policies (`iam-policy`): per service `allow`, `deny`, or ordered `rules`, each with an
 * `action` and an expression; a service the policy does not name gets `default-service-strategy`.
 * With `rules`, the first rule whose expression is true decides; when none is, the request is
 * denied.
 *
 * Exoscale's expressions are CEL. The emulator evaluates the subset that decides an IAM call:
 * `true`, `false`, `operation == 'x'`, `operation != 'x'`, `operation in ['x', 'y']`,
 * `operation.startsWith('x')`, `operation.endsWith('x')`, combined with `&&`, `||`, `!` and
 * parentheses. Any other term (e.g. `parameters.bucket == 'b'`, `resources…`) is never true.
 */
export function policyAllows(policy: IamPolicy, service: string, operation: string): boolean {
  const servicePolicy = policy.services[service];
  if (!servicePolicy) return policy['default-service-strategy'] === 'allow';
  if (servicePolicy.type === 'allow') return true;
  if (servicePolicy.type === 'deny') return false;
  for (const rule of servicePolicy.rules ?? []) {
    if (evaluateExpression(rule.expression, { operation })) return rule.action === 'allow';
  }
  return false;
}

/** Who is assuming a role: the variables an `assume-role-policy` expression can read [I]. */
export interface AssumeCaller {
  /** The signing key (`EXO…`). */
  key: string;
  /** `api-key` (also a key from assume-iam-role) or `access-key` (legacy). */
  type: 'api-key' | 'access-key';
  /** The signing key's role id; empty for a legacy access key. */
  roleId: string;
}

/**
 * An `assume-role-policy` (`{rules?: [{action, expression}]}`) decides who may assume its role [I]:
 * no policy, or one without rules, lets any caller that may call `assume-iam-role` assume it;
 * otherwise the rules are tried in order, the first whose expression is true decides, none → deny.
 * Expressions read `caller.key`, `caller.type`, `caller.role_id` and `operation`
 * (`assume-iam-role`), with the same operators as a role policy.
 */
export function assumeRoleAllows(policy: { rules?: Array<{ action: 'allow' | 'deny'; expression: string }> } | null, caller: AssumeCaller): boolean {
  const rules = policy?.rules ?? [];
  if (rules.length === 0) return true;
  const vars = { operation: 'assume-iam-role', 'caller.key': caller.key, 'caller.type': caller.type, 'caller.role_id': caller.roleId };
  for (const rule of rules) {
    if (evaluateExpression(rule.expression, vars)) return rule.action === 'allow';
  }
  return false;
}

type Token =
  | { t: 'str'; v: string }
  | { t: 'id'; v: string }
  | { t: 'op'; v: string };

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j];
        j++;
      }
      if (j >= text.length) return undefined;
      tokens.push({ t: 'str', v: value });
      i = j + 1;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['==', '!=', '&&', '||'].includes(two)) {
      tokens.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    if ('!()[],.'.includes(c)) {
      tokens.push({ t: 'op', v: c });
      i++;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i));
    if (!ident) return undefined;
    tokens.push({ t: 'id', v: ident[0] });
    i += ident[0].length;
  }
  return tokens;
}

/**
 * Evaluates an expression over string variables (`operation` for a role policy; see
 * `assumeRoleAllows` for an assume-role policy); anything it cannot read is false (the rule does
 * not apply).
 */
export function evaluateExpression(expression: string, vars: Readonly<Record<string, string>>): boolean {
  const tokens = tokenize(expression);
  if (!tokens) return false;
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (v: string) => peek()?.t === 'op' && peek()!.v === v;
  const expectOp = (v: string) => {
    if (!isOp(v)) throw new Error(`expected ${v}`);
    pos++;
  };
  const string = (): string => {
    const token = tokens[pos++];
    if (token?.t !== 'str') throw new Error('expected a string');
    return token.v;
  };

  const or = (): boolean => {
    let value = and();
    while (isOp('||')) {
      pos++;
      const right = and();
      value = value || right;
    }
    return value;
  };
  const and = (): boolean => {
    let value = unary();
    while (isOp('&&')) {
      pos++;
      const right = unary();
      value = value && right;
    }
    return value;
  };
  const unary = (): boolean => {
    if (isOp('!')) {
      pos++;
      return !unary();
    }
    return primary();
  };
  const primary = (): boolean => {
    if (isOp('(')) {
      pos++;
      const value = or();
      expectOp(')');
      return value;
    }
    const token = tokens[pos++];
    if (token?.t !== 'id') throw new Error('expected a term');
    if (token.v === 'true') return true;
    if (token.v === 'false') return false;
    // A variable is a dotted name (`operation`, `caller.key`); `.name(` is a method call on it.
    let name = token.v;
    while (isOp('.') && tokens[pos + 1]?.t === 'id' && !(tokens[pos + 2]?.t === 'op' && tokens[pos + 2]!.v === '(')) {
      name += `.${tokens[pos + 1]!.v}`;
      pos += 2;
    }
    if (!Object.hasOwn(vars, name)) throw new Error(`unsupported term ${name}`);
    const subject = vars[name]!;
    if (isOp('==')) {
      pos++;
      return subject === string();
    }
    if (isOp('!=')) {
      pos++;
      return subject !== string();
    }
    if (peek()?.t === 'id' && peek()!.v === 'in') {
      pos++;
      expectOp('[');
      const items: string[] = [];
      if (!isOp(']')) {
        items.push(string());
        while (isOp(',')) {
          pos++;
          items.push(string());
        }
      }
      expectOp(']');
      return items.includes(subject);
    }
    if (isOp('.')) {
      pos++;
      const method = tokens[pos++];
      if (method?.t !== 'id' || (method.v !== 'startsWith' && method.v !== 'endsWith')) throw new Error('unsupported method');
      expectOp('(');
      const arg = string();
      expectOp(')');
      return method.v === 'startsWith' ? subject.startsWith(arg) : subject.endsWith(arg);
    }
    throw new Error('expected a comparison');
  };

  try {
    const value = or();
    return pos === tokens.length ? value : false;
  } catch {
    return false;
  }
}
