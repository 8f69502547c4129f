// SYNTAX TEST "source.go" "gVisor +checklocks annotations"

package p

type VM struct {
	mu sync.Mutex

	// +checklocks:mu
//  ^^^^^^^^^^^ comment.line.double-slash.go storage.modifier.lockset.checklocks
//             ^ comment.line.double-slash.go punctuation.separator.key-value.lockset
//              ^^ comment.line.double-slash.go variable.other.lock-name.lockset
	tags map[string]string
}

// getTags reads the tags.
//
// +checklocksread:s.mu
// ^^^^^^^^^^^^^^^ comment.line.double-slash.go storage.modifier.lockset.checklocks
//                ^ punctuation.separator.key-value.lockset
//                 ^^^^ comment.line.double-slash.go variable.other.lock-name.lockset
func (s *VM) getTags() {}

// +checklocksignore
// ^^^^^^^^^^^^^^^^^ comment.line.double-slash.go storage.modifier.lockset.checklocks
func h() {}

// +checklocksacquire:v.mu
// ^^^^^^^^^^^^^^^^^^ storage.modifier.lockset.checklocks
//                    ^^^^ variable.other.lock-name.lockset
func lockIt(v *VM) {}

// +checklocksacquireread:v.mu
// ^^^^^^^^^^^^^^^^^^^^^^ storage.modifier.lockset.checklocks
//                       ^ punctuation.separator.key-value.lockset
//                        ^^^^ variable.other.lock-name.lockset
func rlockIt(v *VM) {}

// +checklocksrelease:v.mu +checklocksexclude:w.mu
// ^^^^^^^^^^^^^^^^^^ storage.modifier.lockset.checklocks
//                    ^^^^ variable.other.lock-name.lockset
//                         ^^^^^^^^^^^^^^^^^^ storage.modifier.lockset.checklocks
//                                            ^^^^ variable.other.lock-name.lockset
func unlockIt(v, w *VM) {}

/* +checklocks:mu */
// ^^^^^^^^^^^ comment.block.go storage.modifier.lockset.checklocks
//            ^ comment.block.go punctuation.separator.key-value.lockset
//             ^^ comment.block.go variable.other.lock-name.lockset
//                ^^ comment.block.go punctuation.definition.comment.go - variable.other.lock-name.lockset
var guarded int
