package vmm

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Command is one parsed command line, such as "vm_kill web".
type Command struct {
	Name string
	Args []string
}

// Response is the result of running one command.
type Response struct {
	Text  string `json:"text,omitempty"`
	Error string `json:"error,omitempty"`
}

// Handler runs one command. Handlers are only invoked by runCommand.
type Handler func(*Command) *Response

var (
	cmdLock sync.Mutex // serialises commands; guards history
	history []string

	handlers map[string]Handler
)

func init() {
	handlers = map[string]Handler{
		"history":   cliHistory,
		"vm_flush":  cliVMFlush,
		"vm_info":   cliVMInfo,
		"vm_kill":   cliVMKill,
		"vm_launch": cliVMLaunch,
		"vm_pause":  cliVMPause,
		"vm_tag":    cliVMTag,
	}
}

// RunCommands parses and runs each line in order and returns one response
// per line.
func RunCommands(lines ...string) []*Response {
	cmdLock.Lock()
	defer cmdLock.Unlock()

	return runCommands(lines...)
}

// runCommands is RunCommands without locking cmdLock.
func runCommands(lines ...string) []*Response {
	resps := make([]*Response, 0, len(lines))
	for _, line := range lines {
		if f := strings.Fields(line); len(f) > 0 {
			resps = append(resps, runCommand(&Command{Name: f[0], Args: f[1:]}))
		}
	}
	return resps
}

// runCommand records c in the history and dispatches it to its handler.
//
// LOCK: Assumes cmdLock is held.
func runCommand(c *Command) *Response {
	h, ok := handlers[c.Name]
	if !ok {
		return errResp(fmt.Errorf("unknown command %q", c.Name))
	}
	history = append(history, strings.Join(append([]string{c.Name}, c.Args...), " "))
	return h(c)
}

// note adds an informational line to the history. Caller must hold cmdLock.
func note(format string, args ...interface{}) {
	history = append(history, "# "+fmt.Sprintf(format, args...))
}

// historyLines returns a copy of the command history.
// It must be called with cmdLock held.
func historyLines() []string {
	return append([]string(nil), history...)
}

func errResp(err error) *Response {
	return &Response{Error: err.Error()}
}

func usage(syntax string) *Response {
	return &Response{Error: "usage: " + syntax}
}

// cliHistory implements "history".
func cliHistory(c *Command) *Response {
	// cmdLock is not reentrant, so handlers must not take it themselves.
	// LOCK: handlers are only called by runCommand, which holds cmdLock,
	// so the history cannot change while we copy it.
	lines := historyLines()
	return &Response{Text: strings.Join(lines, "\n")}
}

// cliVMLaunch implements "vm_launch <name> [key=value...]".
func cliVMLaunch(c *Command) *Response {
	if len(c.Args) == 0 {
		return usage("vm_launch <name> [key=value...]")
	}
	tags := make(map[string]string)
	for _, kv := range c.Args[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return usage("vm_launch <name> [key=value...]")
		}
		tags[k] = v
	}

	vm, err := vms.Launch(c.Args[0], tags)
	if err != nil {
		return errResp(err)
	}
	// LOCK: handlers are only called by runCommand.
	note("launched %s as %d", vm.Name, vm.ID)
	return &Response{Text: strconv.Itoa(vm.ID)}
}

// cliVMKill implements "vm_kill <vm>".
func cliVMKill(c *Command) *Response {
	if len(c.Args) != 1 {
		return usage("vm_kill <vm>")
	}
	vm := vms.FindVM(c.Args[0])
	if vm == nil {
		return errResp(fmt.Errorf("%s: %w", c.Args[0], ErrNotFound))
	}
	if err := vm.Kill(); err != nil {
		return errResp(err)
	}
	note("killed %d", vm.ID) // LOCK: handlers are only called by runCommand.
	return &Response{}
}

// cliVMPause implements "vm_pause <vm>".
func cliVMPause(c *Command) *Response {
	if len(c.Args) != 1 {
		return usage("vm_pause <vm>")
	}

	vmLock.Lock()
	vm := vms.findVM(c.Args[0])
	vmLock.Unlock()
	if vm == nil {
		return errResp(fmt.Errorf("%s: %w", c.Args[0], ErrNotFound))
	}

	if err := vm.Pause(); err != nil {
		return errResp(err)
	}
	return &Response{}
}

// cliVMInfo implements "vm_info".
func cliVMInfo(c *Command) *Response {
	var b strings.Builder
	for _, vm := range vms.List() {
		b.WriteString(vm.Describe())
		b.WriteByte('\n')
	}
	return &Response{Text: b.String()}
}

// cliVMTag implements "vm_tag <vm> key=value...". An empty value deletes
// the tag.
//
// LOCK: Assumes cmdLock is held.
func cliVMTag(c *Command) *Response {
	if len(c.Args) < 2 {
		return usage("vm_tag <vm> key=value...")
	}
	vm := vms.FindVM(c.Args[0])
	if vm == nil {
		return errResp(fmt.Errorf("%s: %w", c.Args[0], ErrNotFound))
	}

	for _, kv := range c.Args[1:] {
		k, v, _ := strings.Cut(kv, "=")
		vm.setTagLocked(k, v)
	}
	return &Response{}
}

// cliVMFlush implements "vm_flush", which forgets stopped VMs.
//
// LOCK: Assumes cmdLock is held.
func cliVMFlush(c *Command) *Response {
	// LOCK: cmdLock is held by runCommand; Flush takes vmLock itself.
	n := vms.Flush()
	note("flushed %d VMs", n)
	return &Response{Text: strconv.Itoa(n)}
}
