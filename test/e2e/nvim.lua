-- End-to-end in a real client: headless Neovim (0.7) drives dist/server.js over stdio on a copy of
-- examples/. It waits for events with vim.wait (never a fixed sleep) and exits non-zero on any failure.
local root = os.getenv('LOCKSET_ROOT')
local server = os.getenv('LOCKSET_SERVER')
local file = root .. '/vmm/http.go'

local function fail(msg)
  io.stderr:write('nvim e2e: ' .. msg .. '\n')
  vim.cmd('cquit 1')
end

local function step(name)
  io.stdout:write('nvim e2e: ' .. name .. '\n')
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = 'lockset',
    cmd = { 'node', server, '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'examples' } },
    handlers = {
      ['workspace/configuration'] = function(_, params)
        local out = {}
        for _ = 1, #params.items do table.insert(out, { debounceMs = 50 }) end
        return out
      end,
    },
  })
  if not client_id then return fail('the server did not start') end
  local client = vim.lsp.get_client_by_id(client_id)

  vim.cmd('edit ' .. file)
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'go'
  vim.lsp.buf_attach_client(buf, client_id)

  local function code_of(d) return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) end
  local function missing()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if code_of(d) == 'missing-lock-annotation' then table.insert(out, d) end
    end
    return out
  end

  step('waiting for the diagnostic')
  if not vim.wait(20000, function() return #missing() > 0 end, 20) then return fail('no missing-lock-annotation diagnostic arrived') end
  local d = missing()[1]
  if d.lnum ~= 49 then return fail('diagnostic on line ' .. (d.lnum + 1) .. ', expected 50') end
  local line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
  if line:sub(d.col + 1, d.end_col) ~= 'findVM' then return fail('diagnostic range is not the findVM identifier: ' .. line:sub(d.col + 1, d.end_col)) end
  if not d.message:find('^call of findVM requires vmLock, which is not held here') then return fail('unexpected message: ' .. d.message) end

  step('hover')
  local pos = { line = d.lnum, character = d.col + 1 }
  local hover = client.request_sync('textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = pos }, 10000, buf)
  if not hover or hover.err or not hover.result then return fail('no hover result') end
  local text = hover.result.contents.value or ''
  if not (text:find('requires') and text:find('vmLock') and text:find('doc comment')) then return fail('hover lacks the contract: ' .. text) end

  step('code action')
  local range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } }
  local lsp_diag = { range = range, message = d.message, code = code_of(d), source = 'lockset', severity = d.severity }
  local actions = client.request_sync('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag } },
  }, 10000, buf)
  if not actions or actions.err or not actions.result then return fail('no code actions: ' .. vim.inspect(actions)) end
  local chosen
  for _, a in ipairs(actions.result) do
    if a.title:find('^Add "// LOCK:') then chosen = a end
  end
  if not chosen then return fail('no "Add // LOCK:" quick fix') end
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  vim.cmd('write')

  step('waiting for the diagnostic to go')
  if not vim.wait(20000, function() return #missing() == 0 end, 20) then return fail('the diagnostic did not go away after the fix') end

  -- The quick fixes of test/e2e/fixes (one finding per file), from Neovim's code-action menu: the cursor on the
  -- diagnostic, vim.lsp.buf.code_action(), and vim.ui.select answered as a user picking the one preferred action.
  -- Afterwards the buffer has no diagnostic at all and is the file's golden.
  local fixes = {
    { 'take.go', 'missing-lock-annotation' }, { 'twin.go', 'missing-lock-annotation' }, { 'unlock.go', 'missing-unlock' },
    { 'reset.go', 'missing-unlock' }, { 'send.go', 'blocking-under-lock' }, { 'relock.go', 'double-lock' },
    { 'guard.go', 'unguarded-access' },
  }
  for _, case in ipairs(fixes) do
    local name, code = case[1], case[2]
    step('quick fix in fixes/' .. name .. ' (' .. code .. ')')
    vim.cmd('edit ' .. root .. '/fixes/' .. name)
    local b = vim.api.nvim_get_current_buf()
    vim.bo[b].filetype = 'go'
    vim.lsp.buf_attach_client(b, client_id)
    local function of_code()
      return vim.tbl_filter(function(x) return code_of(x) == code end, vim.diagnostic.get(b))
    end
    if not vim.wait(20000, function() return #of_code() > 0 end, 20) then return fail('no ' .. code .. ' diagnostic in ' .. name) end
    local fd = of_code()[1]
    vim.api.nvim_win_set_cursor(0, { fd.lnum + 1, fd.col })
    local offered, picked
    vim.ui.select = function(items, _, on_choice)
      offered = items
      -- Neovim 0.7 passes { client_id, action }, later versions { ctx = ..., action = ... }.
      local preferred = vim.tbl_filter(function(it) return (it.action or it[2]).isPreferred end, items)
      if #preferred == 1 then picked = (preferred[1].action or preferred[1][2]).title end
      on_choice(preferred[1] and #preferred == 1 and preferred[1] or nil)
    end
    vim.lsp.buf.code_action()
    if not vim.wait(10000, function() return offered ~= nil end, 20) then return fail('the code-action menu did not open in ' .. name) end
    if not picked then return fail(name .. ': not exactly one preferred action among ' .. #offered) end
    if not vim.wait(10000, function() return vim.bo[b].modified end, 20) then return fail(name .. ': "' .. picked .. '" changed nothing') end
    vim.cmd('write')
    if not vim.wait(20000, function() return #vim.diagnostic.get(b) == 0 end, 20) then
      return fail(name .. ': after "' .. picked .. '" the buffer still has ' .. vim.inspect(vim.tbl_map(function(x) return x.message end, vim.diagnostic.get(b))))
    end
    local want = table.concat(vim.fn.readfile(root .. '/fixes/' .. name .. '.golden'), '\n')
    local got = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
    if got ~= want then return fail(name .. ': the buffer after "' .. picked .. '" is not ' .. name .. '.golden:\n' .. got) end
  end
  client.stop()
end)

if not ok then return fail(tostring(err)) end
step('ok')
vim.cmd('qall!')
