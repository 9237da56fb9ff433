import { UsageError } from './io';

/** Flags a command accepts: booleans, and flags that take a value. */
export interface FlagSpec {
  booleans?: string[];
  values?: string[];
}

/** Parsed command line. */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean>;
}

/** Parses `--flag`, `--flag value`, `--flag=value`, `-y` (for --yes) and `--` (end of flags). */
export function parseArgs(argv: string[], spec: FlagSpec): ParsedArgs {
  const booleans = new Set(spec.booleans ?? []);
  const values = new Set(spec.values ?? []);
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-y' && booleans.has('yes')) {
      flags.yes = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq > 0 ? eq : undefined);
    if (booleans.has(name)) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
    } else if (values.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positionals, flags };
}

/** Exactly `count` positionals, named in the usage error. */
export function expectPositionals(args: ParsedArgs, names: string[]): string[] {
  if (args.positionals.length !== names.length) {
    const got = args.positionals.length;
    throw new UsageError(`expected ${names.join(' ')}, got ${got === 0 ? 'nothing' : args.positionals.join(' ')}`);
  }
  return args.positionals;
}
