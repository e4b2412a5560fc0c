#!/usr/bin/env python3
"""A strict checker of the Prometheus text exposition format (0.0.4), for
tests: Debian 12 ships promtool only inside the whole Prometheus server.

  promcheck.py FILE            exit 0 when FILE is valid, else print every
                               error ("line N: ...") and exit 1
  promcheck.py --json FILE     also print the samples as JSON:
                               [{"name": .., "labels": {..}, "value": ..}]

Checked: the grammar of every line (names, label names, escapes in label
values, numbers), HELP and TYPE at most once per family and TYPE before
its samples, one block per family (no interleaving), a known TYPE,
counters named *_total with non-negative values, no duplicate series, a
final newline, and lint rules as promtool applies them (HELP present,
no reserved __ labels)."""
import json
import math
import re
import sys

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*'
NAME_RE = re.compile(NAME + r'$')
HELP_RE = re.compile(r'# HELP (' + NAME + r') (.*)$')
TYPE_RE = re.compile(r'# TYPE (' + NAME + r') (counter|gauge|histogram|summary|untyped)$')
TYPES = ('counter', 'gauge', 'untyped')	# what a flat exposition may use


def parse_value(s):
    if s in ('NaN', '+Inf', '-Inf', 'Inf'):
        return float(s.replace('Inf', 'inf'))
    if not re.fullmatch(r'[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)', s):
        raise ValueError('bad number %r' % s)
    return float(s)


def parse_labels(s, pos):
    """s[pos] is just after '{': returns (labels, index after '}')."""
    labels = {}
    while True:
        if s.startswith('}', pos):
            return labels, pos + 1
        m = re.compile(LABEL).match(s, pos)
        if not m:
            raise ValueError('bad label name at column %d' % (pos + 1))
        name = m.group(0)
        if name.startswith('__'):
            raise ValueError('reserved label name %s' % name)
        pos = m.end()
        if not s.startswith('="', pos):
            raise ValueError('expected =" after label %s' % name)
        pos += 2
        val = []
        while True:
            if pos >= len(s):
                raise ValueError('unterminated label value')
            c = s[pos]
            if c == '\\':
                if pos + 1 >= len(s) or s[pos + 1] not in '\\"n':
                    raise ValueError('bad escape in label value')
                val.append({'\\': '\\', '"': '"', 'n': '\n'}[s[pos + 1]])
                pos += 2
            elif c == '"':
                pos += 1
                break
            else:
                val.append(c)
                pos += 1
        if name in labels:
            raise ValueError('label %s twice' % name)
        labels[name] = ''.join(val)
        if s.startswith(',', pos):
            pos += 1
        elif not s.startswith('}', pos):
            raise ValueError('expected , or } after label %s' % name)


def check(text):
    errors, samples = [], []
    if text and not text.endswith('\n'):
        errors.append('no newline at the end')
    helps, types, done, series = {}, {}, set(), set()
    current = None
    for n, line in enumerate(text.split('\n')[:-1] if text.endswith('\n') else text.split('\n'), 1):
        def err(msg):
            errors.append('line %d: %s: %r' % (n, msg, line[:120]))
        if line == '':
            continue
        if line.startswith('#'):
            m = HELP_RE.match(line) or TYPE_RE.match(line)
            if line.startswith('# HELP') or line.startswith('# TYPE'):
                if not m:
                    err('malformed HELP/TYPE')
                    continue
                fam = m.group(1)
                table = helps if line.startswith('# HELP') else types
                if fam in table:
                    err('second %s for %s' % (line[2:6], fam))
                if fam in done or (fam != current and fam in series_families(series)):
                    err('%s after samples of %s' % (line[2:6], fam))
                if table is types and m.group(2) not in TYPES:
                    err('type %s not expected here' % m.group(2))
                table[fam] = m.group(2)
                if current is not None and fam != current:
                    done.add(current)
                current = fam
            continue
        m = re.compile(NAME).match(line)
        if not m:
            err('bad metric name')
            continue
        name, pos = m.group(0), m.end()
        labels = {}
        try:
            if line.startswith('{', pos):
                labels, pos = parse_labels(line, pos + 1)
            rest = line[pos:]
            if not rest.startswith(' '):
                raise ValueError('expected a space before the value')
            parts = rest[1:].split(' ')
            if len(parts) not in (1, 2) or parts[0] == '':
                raise ValueError('expected VALUE [TIMESTAMP]')
            value = parse_value(parts[0])
            if len(parts) == 2 and not re.fullmatch(r'-?\d+', parts[1]):
                raise ValueError('bad timestamp')
        except ValueError as e:
            err(str(e))
            continue
        fam = name
        if fam != current:
            if current is not None:
                done.add(current)
            if fam in done:
                err('samples of %s are not in one block' % fam)
            current = fam
        if fam not in types:
            err('sample of %s without a TYPE before it' % fam)
        if fam not in helps:
            err('no HELP for %s' % fam)
        if types.get(fam) == 'counter':
            if not fam.endswith('_total'):
                err('counter %s not named *_total' % fam)
            if math.isnan(value) or value < 0:
                err('counter %s negative' % fam)
        key = (name, tuple(sorted(labels.items())))
        if key in series:
            err('duplicate series')
        series.add(key)
        samples.append({'name': name, 'labels': labels, 'value': value})
    return errors, samples


def series_families(series):
    return {k[0] for k in series}


def main():
    args = sys.argv[1:]
    dump = False
    if args and args[0] == '--json':
        dump, args = True, args[1:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding='utf-8') as f:
        text = f.read()
    errors, samples = check(text)
    for e in errors:
        print(e, file=sys.stderr)
    if dump:
        json.dump(samples, sys.stdout)
        print()
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
