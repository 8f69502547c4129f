// SYNTAX TEST "source.go" "look-alikes that are not lockset annotations"

package p

// DEADLOCK: x
// ^^^^^^^^^^^ comment.line.double-slash.go - keyword.other.lockset.lock-annotation variable.other.lock-name.lockset

// NOLOCK: vmLock, UNLOCK:vmLock, lock: vmLock, Lock: vmLock
// ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - keyword.other.lockset.lock-annotation variable.other.lock-name.lockset

// +checklocksbogus:mu
// ^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - storage.modifier.lockset.checklocks punctuation.separator.key-value.lockset variable.other.lock-name.lockset

// a+checklocks:mu ++checklocks:mu checklocks:mu
// ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - storage.modifier.lockset.checklocks variable.other.lock-name.lockset

// mylockset:order a > b, lockset:orders a > b, lockset:ignored x
// ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - keyword.control.directive.lockset meta.lock-order.lockset constant.other.check-id.lockset

func k() {
	s := "// LOCK: vmLock is held"
//    ^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.go - comment.line.double-slash.go keyword.other.lockset.lock-annotation variable.other.lock-name.lockset
	t := "/* lockset:order a > b */ +checklocks:mu"
//    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.go - comment.block.go keyword.control.directive.lockset storage.modifier.lockset.checklocks
	u := `// LOCK: vmLock
//    ^^^^^^^^^^^^^^^^ string.quoted.raw.go - comment.line.double-slash.go keyword.other.lockset.lock-annotation
//lockset:ignore double-lock x`
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.raw.go - comment.line.double-slash.go keyword.control.directive.lockset constant.other.check-id.lockset
	v := "say \"// LOCK:\"" // LOCK: vmLock
//    ^^^^^^^^^^^^^^^^^^ string.quoted.double.go - comment.line.double-slash.go keyword.other.lockset.lock-annotation
//                       ^^ comment.line.double-slash.go punctuation.definition.comment.go
//                          ^^^^^ comment.line.double-slash.go keyword.other.lockset.lock-annotation
//                                ^^^^^^ comment.line.double-slash.go variable.other.lock-name.lockset
	r := '"' // LOCK: vmLock
//    ^^^ string.quoted.rune.go - comment.line.double-slash.go
//        ^^^^^^^^^^^^^^^ comment.line.double-slash.go
//           ^^^^^ keyword.other.lockset.lock-annotation
//                 ^^^^^^ variable.other.lock-name.lockset
	_, _, _, _, _ = s, t, u, v, r
}
