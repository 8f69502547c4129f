// SYNTAX TEST "source.go" "// LOCK: annotations"

package p

// LOCK: vmLock is held
// <-- comment.line.double-slash.go punctuation.definition.comment.go
// ^^^^^ source.go comment.line.double-slash.go keyword.other.lockset.lock-annotation
//      ^ comment.line.double-slash.go - keyword.other.lockset.lock-annotation variable.other.lock-name.lockset
//       ^^^^^^ source.go comment.line.double-slash.go variable.other.lock-name.lockset
//             ^^^^^^^^ comment.line.double-slash.go - variable.other.lock-name.lockset keyword.other.lockset.lock-annotation

func f(id string) {
	// LOCK: vmLock and cmdLock are both held here:
//  ^^^^^ comment.line.double-slash.go keyword.other.lockset.lock-annotation
//        ^^^^^^ comment.line.double-slash.go variable.other.lock-name.lockset
//               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - variable.other.lock-name.lockset
	// the caller, RunCommands, took both of them
	// and still holds them. LOCK: vm.lock too.
//  ^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - keyword.other.lockset.lock-annotation
//                        ^^^^^ comment.line.double-slash.go keyword.other.lockset.lock-annotation
//                              ^^^^^^^ comment.line.double-slash.go variable.other.lock-name.lockset
//                                     ^^^^^ comment.line.double-slash.go - variable.other.lock-name.lockset
	vm := findVM(id)
//^^^^^^^^^^^^^^^ source.go - comment.line.double-slash.go

	n := len(vm.tags) // LOCK: vm.lock is held by the caller.
//^^^^^^^^^^^^^^^^ source.go - comment.line.double-slash.go
//                 ^^ comment.line.double-slash.go punctuation.definition.comment.go
//                    ^^^^^ comment.line.double-slash.go keyword.other.lockset.lock-annotation
//                          ^^^^^^^ comment.line.double-slash.go variable.other.lock-name.lockset
//                                 ^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - variable.other.lock-name.lockset
	_ = n
}

// Free prose after LOCK: is plain comment text unless its first word looks like a lock.

// LOCK: Assumes cmdLock is held.
// ^^^^^ keyword.other.lockset.lock-annotation
//       ^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - variable.other.lock-name.lockset

// LOCK: the caller holds it
//       ^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - variable.other.lock-name.lockset

// LOCK: e.g. when called from Run
//       ^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - variable.other.lock-name.lockset

// LOCK: vm.lock.Lock() was called
//       ^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - variable.other.lock-name.lockset

// LOCK: s.mu, r.store.coalescedMu; raft_mu
//       ^^^^ variable.other.lock-name.lockset
//           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - variable.other.lock-name.lockset

// LOCK: mu
//       ^^ variable.other.lock-name.lockset

// LOCK: cmdLock.
//       ^^^^^^^ variable.other.lock-name.lockset
//              ^ comment.line.double-slash.go - variable.other.lock-name.lockset

//LOCK:raftMu
//^^^^^ keyword.other.lockset.lock-annotation
//     ^^^^^^ comment.line.double-slash.go - variable.other.lock-name.lockset

/* LOCK: vmLock */
// <-- comment.block.go punctuation.definition.comment.go
// ^^^^^ comment.block.go keyword.other.lockset.lock-annotation
//       ^^^^^^ comment.block.go variable.other.lock-name.lockset
//              ^^ comment.block.go punctuation.definition.comment.go

/*
   LOCK: vmLock
// ^^^^^ comment.block.go keyword.other.lockset.lock-annotation
//       ^^^^^^ comment.block.go variable.other.lock-name.lockset
*/
