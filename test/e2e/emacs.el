;;; emacs.el --- lockset's Emacs + eglot end-to-end test, run by test/emacs.test.ts -*- lexical-binding: t -*-
;; emacs --batch -Q -l test/e2e/emacs.el WORKSPACE SERVER-JS
;; On a copy of examples/: open vmm/http.go, wait for lockset's missing-lock-annotation diagnostic through
;; eglot and flymake, check the hover, apply the "add // LOCK:" code action, save, check the file on disk,
;; and wait for the diagnostic to go. Any failure exits non-zero with the step's name.

(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))
(require 'eglot)
(require 'flymake)

(defvar lockset-workspace (nth 0 command-line-args-left))
(defvar lockset-server (nth 1 command-line-args-left))
(setq command-line-args-left nil)

(defun lockset-fail (step fmt &rest args)
  (princ (format "emacs e2e: FAILED at step: %s: %s\n" step (apply #'format fmt args)))
  (kill-emacs 1))

(defun lockset-ok (step)
  (princ (format "emacs e2e: ok %s\n" step)))

(defun lockset-wait (step seconds pred)
  "Wait up to SECONDS for PRED, handling server output meanwhile; fail STEP on timeout."
  (let ((deadline (+ (float-time) seconds)) (result nil))
    (while (and (not (setq result (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or result (lockset-fail step "timed out after %s s" seconds))))

;; Emacs 28 has no go-mode: a tiny one is enough for eglot to name the language.
(define-derived-mode go-mode prog-mode "Go")
(add-to-list 'auto-mode-alist '("\\.go\\'" . go-mode))
(setq eglot-server-programs `((go-mode . ("node" ,lockset-server "--stdio"))))
(setq eglot-sync-connect 10 eglot-autoshutdown t eglot-events-buffer-size 0)

(defun lockset-diagnostics ()
  ;; Batch mode runs no idle timers, so flymake is asked to report what eglot received.
  (flymake-start)
  (seq-filter (lambda (d) (string-match-p "missing-lock-annotation\\|requires vmLock" (or (flymake-diagnostic-text d) "")))
              (flymake-diagnostics)))

(let* ((file (expand-file-name "vmm/http.go" lockset-workspace))
       (buf (find-file-noselect file)))
  (with-current-buffer buf
    (go-mode)
    ;; eglot-ensure waits for the command loop, which batch mode has none of: connect directly, with the
    ;; workspace as a transient project (the copy is not under version control).
    (eglot '(go-mode) (cons 'transient (file-name-as-directory lockset-workspace)) 'eglot-lsp-server
           (list "node" lockset-server "--stdio") "go")
    (lockset-wait "eglot connects to lockset" 20 (lambda () (eglot-current-server)))
    (lockset-ok "1 - eglot connects to lockset")
    (flymake-mode 1)
    ;; 1. the diagnostic, on the findVM call
    (let* ((diags (lockset-wait "the missing-lock-annotation diagnostic arrives" 20 #'lockset-diagnostics))
           (d (car diags)))
      (goto-char (flymake-diagnostic-beg d))
      (unless (looking-at "findVM") (lockset-fail "diagnostic range" "it starts at %S" (buffer-substring (point) (min (point-max) (+ (point) 20)))))
      (unless (string-match-p "call of findVM requires vmLock" (flymake-diagnostic-text d))
        (lockset-fail "diagnostic message" "%s" (flymake-diagnostic-text d)))
      (lockset-ok (format "2 - diagnostic at line %d: %s" (line-number-at-pos) (flymake-diagnostic-text d)))
      ;; 2. hover shows the contract
      (let* ((server (eglot-current-server))
             (hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)))
             (contents (plist-get hover :contents))
             (text (if (stringp contents) contents (plist-get contents :value))))
        (unless (and text (string-match-p "findVM assumes vmLock is held" text))
          (lockset-fail "hover shows the contract" "%S" text))
        (lockset-ok "3 - hover shows the contract"))
      ;; 3. the "add // LOCK:" code action, applied and saved
      (let* ((server (eglot-current-server))
             (actions (jsonrpc-request server :textDocument/codeAction
                                       (list :textDocument (eglot--TextDocumentIdentifier)
                                             :range (list :start (eglot--pos-to-lsp-position (flymake-diagnostic-beg d))
                                                          :end (eglot--pos-to-lsp-position (flymake-diagnostic-end d)))
                                             :context (list :diagnostics (vector)))))
             (action (seq-find (lambda (a) (string-match-p "LOCK:" (plist-get a :title))) actions)))
        (unless action (lockset-fail "code action offered" "%S" (mapcar (lambda (a) (plist-get a :title)) actions)))
        (eglot--apply-workspace-edit (plist-get action :edit))
        (save-buffer)
        (let ((disk (with-temp-buffer (insert-file-contents file) (buffer-string))))
          (unless (string-match-p "// LOCK: vmLock is held by the caller\\.\n[ \t]*vm := vms.findVM" disk)
            (lockset-fail "the fix is on disk" "no // LOCK: line above the call")))
        (lockset-ok (format "4 - applied %S and saved" (plist-get action :title))))
      ;; 4. the diagnostic goes away
      (lockset-wait "the diagnostic goes away" 20 (lambda () (null (lockset-diagnostics))))
      (lockset-ok "5 - the diagnostic is gone"))))
(princ "emacs e2e: all steps passed\n")
(kill-emacs 0)
