// SYNTAX TEST "source.go" "lockset:order and lockset:ignore directives"

package p

// lockset:order cmdLock > vmLock > VM.lock
// ^^^^^^^^^^^^^ source.go comment.line.double-slash.go keyword.control.directive.lockset
//               ^^^^^^^ comment.line.double-slash.go meta.lock-order.lockset variable.other.lock-name.lockset
//                       ^ comment.line.double-slash.go meta.lock-order.lockset keyword.operator.order.lockset
//                         ^^^^^^ meta.lock-order.lockset variable.other.lock-name.lockset
//                                ^ meta.lock-order.lockset keyword.operator.order.lockset
//                                  ^^^^^^^ meta.lock-order.lockset variable.other.lock-name.lockset

//lockset:order a>b, Store.raftMu
//^^^^^^^^^^^^^ keyword.control.directive.lockset
//              ^ variable.other.lock-name.lockset
//               ^ keyword.operator.order.lockset
//                ^ variable.other.lock-name.lockset
//                 ^ punctuation.separator.lockset
//                   ^^^^^^^^^^^^ variable.other.lock-name.lockset

/* lockset:order a > b */
// <-- comment.block.go punctuation.definition.comment.go
// ^^^^^^^^^^^^^ comment.block.go keyword.control.directive.lockset
//               ^ comment.block.go meta.lock-order.lockset variable.other.lock-name.lockset
//                 ^ comment.block.go meta.lock-order.lockset keyword.operator.order.lockset
//                   ^ comment.block.go meta.lock-order.lockset variable.other.lock-name.lockset
//                     ^^ comment.block.go punctuation.definition.comment.go - meta.lock-order.lockset

/*
Package p takes its locks in this order:

	lockset:order cmdLock > vmLock
// <~------------- comment.block.go keyword.control.directive.lockset
//             ^^^^^^^ comment.block.go meta.lock-order.lockset variable.other.lock-name.lockset
//                     ^ comment.block.go meta.lock-order.lockset keyword.operator.order.lockset
//                       ^^^^^^ comment.block.go meta.lock-order.lockset variable.other.lock-name.lockset
*/

func g() {
	vmLock.Lock()
	cmdLock.Lock() //lockset:ignore lock-hierarchy reason: startup only
//^^^^^^^^^^^^^ source.go - comment.line.double-slash.go
//              ^^ comment.line.double-slash.go punctuation.definition.comment.go
//                ^^^^^^^^^^^^^^ comment.line.double-slash.go keyword.control.directive.lockset
//                               ^^^^^^^^^^^^^^ comment.line.double-slash.go constant.other.check-id.lockset
//                                             ^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.go - constant.other.check-id.lockset keyword.control.directive.lockset

	//lockset:ignore double-lock reason
// <~-- comment.line.double-slash.go punctuation.definition.comment.go
// ^^^^^^^^^^^^^^ comment.line.double-slash.go keyword.control.directive.lockset
//                ^^^^^^^^^^^ comment.line.double-slash.go constant.other.check-id.lockset
//                            ^^^^^^ comment.line.double-slash.go - constant.other.check-id.lockset
	FindVM("x")
}
