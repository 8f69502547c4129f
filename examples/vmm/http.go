package vmm

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
)

// HTTPHandler returns an http.Handler serving:
//
//	GET  /vms          every VM
//	GET  /vms/<vm>     one VM, by ID or name
//	GET  /stats        counters (see Stats)
//	POST /command      runs the posted lines as commands
func HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/vms", handleList)
	mux.HandleFunc("/vms/", handleVM)
	mux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, CurrentStats())
	})
	mux.HandleFunc("/command", handleCommand)
	return mux
}

type vmView struct {
	ID    int               `json:"id"`
	Name  string            `json:"name"`
	State string            `json:"state"`
	Tags  map[string]string `json:"tags,omitempty"`
}

func viewOf(vm *VM) vmView {
	vm.lock.Lock()
	defer vm.lock.Unlock()

	return vmView{ID: vm.ID, Name: vm.Name, State: vm.state.String(), Tags: vm.copyTagsLocked()}
}

func handleList(w http.ResponseWriter, r *http.Request) {
	var views []vmView
	for _, vm := range vms.List() {
		views = append(views, viewOf(vm))
	}
	writeJSON(w, views)
}

func handleVM(w http.ResponseWriter, r *http.Request) {
	vm := vms.findVM(strings.TrimPrefix(r.URL.Path, "/vms/"))
	if vm == nil {
		http.NotFound(w, r)
		return
	}
	writeJSON(w, viewOf(vm))
}

func handleCommand(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST commands, one per line", http.StatusMethodNotAllowed)
		return
	}
	var lines []string
	for sc := bufio.NewScanner(r.Body); sc.Scan(); {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			lines = append(lines, line)
		}
	}
	writeJSON(w, RunCommands(lines...))
}

func writeJSON(w http.ResponseWriter, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
