/** What lockset analyses under a folder: exclude globs and nested modules (server/src/scope.ts, util/glob.ts). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sameRepository, Scope, scopeOf } from '../server/src/scope';
import { globMatcher, globProblem } from '../server/src/util/glob';

describe('exclude globs', () => {
  const matches = (pattern: string, path: string) => globMatcher([pattern])(path);

  it('anchors a pattern at the folder and matches everything under a matched directory', () => {
    assert.ok(matches('internal/gen', 'internal/gen/x.go'));
    assert.ok(matches('internal/gen/', 'internal/gen/a/b.go'));
    assert.ok(matches('./third_party/**', 'third_party/x/y.go'));
    assert.ok(!matches('internal/gen', 'internal/generated/x.go'));
    assert.ok(!matches('gen', 'pkg/gen/x.go'), 'a pattern without **/ matches at the top only');
  });

  it('keeps * and ? inside a segment, lets ** span segments, and chooses with [] and {}', () => {
    assert.ok(matches('**/*.pb.go', 'a.pb.go'));
    assert.ok(matches('**/*.pb.go', 'x/y/a.pb.go'));
    assert.ok(!matches('*.pb.go', 'x/a.pb.go'));
    assert.ok(matches('a/**/z.go', 'a/z.go'));
    assert.ok(matches('a/**/z.go', 'a/b/c/z.go'));
    assert.ok(matches('v?/x.go', 'v1/x.go'));
    assert.ok(!matches('v?/x.go', 'v10/x.go'));
    assert.ok(matches('[ab]/x.go', 'b/x.go'));
    assert.ok(!matches('[!ab]/x.go', 'b/x.go'));
    assert.ok(matches('{gen,third_party}/**', 'third_party/q.go'));
    assert.ok(matches('*_{string,enum}.go', 'kind_enum.go'));
    assert.ok(matches('a.b', 'a.b') && !matches('a.b', 'axb'), 'a dot is a dot');
    assert.ok(matches('gen', 'gen\\x.go'), 'backslashes separate too');
  });

  it('says what is wrong with an unusable pattern, and such a pattern matches nothing', () => {
    assert.equal(globProblem('third_party/**'), undefined);
    assert.match(globProblem('  ') ?? '', /empty/);
    assert.match(globProblem('/abs/x') ?? '', /absolute/);
    assert.match(globProblem('C:\\x') ?? '', /absolute/);
    assert.match(globProblem('a/../../b') ?? '', /leaves the folder/);
    assert.match(globProblem('{a,b') ?? '', /unbalanced/);
    assert.equal(globMatcher(['', '../x'])('x/y.go'), false);
  });
});

describe('nested modules', () => {
  const ROOT = join('/', 'repo');
  const files = new Map<string, string>([
    [join(ROOT, 'go.mod'), 'module example.com/app/v3\n'],
    [join(ROOT, 'go.work'), 'use (\n\t.\n\t./used // a comment\n)\n'],
    [join(ROOT, 'fork', 'go.mod'), 'module example.org/fork\n'],
    [join(ROOT, 'server', 'go.mod'), 'module example.com/app/server/v3\n'],
    [join(ROOT, 'server', 'fork', 'go.mod'), 'module example.org/other\n'],
    [join(ROOT, 'used', 'go.mod'), 'module elsewhere.example/used\n'],
    [join(ROOT, 'plain', 'sub', 'go.mod'), 'module example.org/sub\n'],
  ]);
  const read = (p: string) => files.get(p);
  const scope = new Scope(ROOT, {}, read);

  it('covers the root module, the modules of the same repository and those the go.work uses', () => {
    for (const p of ['a.go', 'pkg/x.go', 'server/s.go', 'server/deep/d.go', 'used/u.go']) assert.ok(scope.covers(join(ROOT, p)), p);
  });

  it('skips a module of another repository, also below a kept one, and vendor/, testdata/ and dot-directories', () => {
    for (const p of ['fork/f.go', 'fork/deep/d.go', 'server/fork/f.go', 'vendor/v.go', 'pkg/testdata/t.go', '.git/x.go']) assert.ok(!scope.covers(join(ROOT, p)), p);
    assert.ok(!scope.covers(join('/', 'elsewhere', 'x.go')), 'a path outside the root');
  });

  it('covers them all with nestedModules include, and a nested module named as the root', () => {
    const all = new Scope(ROOT, { nestedModules: 'include' }, read);
    for (const p of ['fork/f.go', 'server/fork/f.go']) assert.ok(all.covers(join(ROOT, p)), p);
    assert.ok(new Scope(join(ROOT, 'fork'), {}, read).covers(join(ROOT, 'fork', 'f.go')));
  });

  it('takes each go.mod below a root of no module as a module of the tree', () => {
    const plain = new Scope(join(ROOT, 'plain'), {}, read);
    assert.ok(plain.covers(join(ROOT, 'plain', 'sub', 's.go')));
  });

  it('leaves out what an exclude pattern matches, relative to the root', () => {
    const s = new Scope(ROOT, { exclude: ['gen', '**/*.pb.go'] }, read);
    assert.ok(!s.covers(join(ROOT, 'gen', 'x.go')) && s.excludes(join(ROOT, 'gen', 'x.go')));
    assert.ok(!s.covers(join(ROOT, 'pkg', 'a.pb.go')));
    assert.ok(s.covers(join(ROOT, 'pkg', 'gen', 'x.go')));
    assert.ok(!s.excludes(ROOT), 'never the root itself');
  });

  it('finds the scope of a path: the deepest root that holds it', () => {
    const inner = new Scope(join(ROOT, 'fork'), {}, read);
    assert.equal(scopeOf([scope, inner], join(ROOT, 'fork', 'f.go')), inner);
    assert.equal(scopeOf([scope, inner], join(ROOT, 'a.go')), scope);
    assert.equal(scopeOf([scope, inner], join('/', 'elsewhere', 'a.go')), undefined);
  });

  it('takes a module path under the outer one, without its major version, as the same repository', () => {
    assert.ok(sameRepository('go.etcd.io/etcd/v3', 'go.etcd.io/etcd/server/v3'));
    assert.ok(sameRepository('github.com/hashicorp/raft', 'github.com/hashicorp/raft/fuzzy'));
    assert.ok(!sameRepository('github.com/sandia-minimega/minimega/v2', 'github.com/dutchcoders/goftp'));
    assert.ok(!sameRepository('example.com/app', 'example.com/application'));
    assert.ok(!sameRepository('', 'x/y'));
  });
});
