import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namesHeldLock } from '../server/src/analysis/annotations';

describe('namesHeldLock: which lock a // LOCK: comment names', () => {
  it('matches a lock by its full name or a distinctive last name', () => {
    assert.equal(namesHeldLock('LOCK: vm.lock is held', 'vm.lock'), true);
    assert.equal(namesHeldLock('LOCK: we already hold the cmdLock', 's.cmdLock'), true);
    assert.equal(namesHeldLock('LOCK: mu is held', 'vm.mu'), false);
  });

  // A random edit of the incremental test made a lock's display out of half a function body; building the pattern
  // from it threw "Unterminated group" and the whole check was lost for the package.
  it('takes a display of half-typed code literally, without throwing', () => {
    const display = 'error{//LOCK:vm.lock(held.Loc,vm.ID[x*+?';
    assert.doesNotThrow(() => namesHeldLock('LOCK: vm.lock is held', display));
    assert.equal(namesHeldLock(`LOCK: ${display} is held`, display), true);
  });
});
