-- Neovim (0.7.2 in Debian) as a second LSP client for prodready, run headless by test/nvim/run.mjs:
--   nvim --headless -n -i NONE -u test/nvim/init.lua
-- Starts `node dist/server.js --stdio` with the built-in client, opens each file, waits (vim.wait on
-- the publishDiagnostics notifications, no fixed sleep) until the server has published diagnostics
-- for every file holding the rule ids the runner expects, edits one buffer to check that didChange is honoured, then writes what it saw as
-- JSON and quits with a status (0: ran to the end, 1: timed out or failed). Assertions are made by
-- the runner on the JSON.
-- vim.lsp.start() does not exist in 0.7: vim.lsp.start_client + vim.lsp.buf_attach_client.

local env = vim.env
local out_file = env.PRODREADY_NVIM_OUT
local timeout_ms = tonumber(env.PRODREADY_NVIM_TIMEOUT_MS or '30000')

local result = { nvim = vim.version(), files = {}, errors = {}, edit = vim.NIL }

local function finish(status)
  local f = io.open(out_file, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  if status == 0 then vim.cmd('qall!') else vim.cmd('cquit ' .. status) end
end

-- Every publishDiagnostics the server sends, by URI, in arrival order (the newest last).
local published = {}
local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  published[params.uri] = published[params.uri] or {}
  table.insert(published[params.uri], params.diagnostics)
  return default_handler(err, params, ctx, config)
end

local function lsp_list(uri)
  local list = published[uri]
  return list and list[#list] or nil
end

local function from_buffer(bufnr)
  -- What Neovim itself shows: vim.diagnostic items (0-based lnum/col), code kept in user_data.lsp.
  local items = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(items, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, source = d.source, code = lsp.code, message = d.message,
    })
  end
  return items
end

local function run()
  vim.cmd('filetype on')
  local root = env.PRODREADY_NVIM_ROOT
  local client_id = vim.lsp.start_client({
    name = 'prodready',
    cmd = { env.PRODREADY_NVIM_NODE or 'node', env.PRODREADY_NVIM_SERVER, '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'e2e' } },
    on_exit = function(code, signal)
      if code ~= 0 then table.insert(result.errors, ('server exited with code %d signal %d'):format(code, signal)) end
    end,
  })
  if not client_id then
    table.insert(result.errors, 'vim.lsp.start_client returned nil')
    return finish(1)
  end

  local buffers = {}
  for path in string.gmatch(env.PRODREADY_NVIM_FILES, '[^,]+') do
    vim.cmd('edit ' .. vim.fn.fnameescape(path))
    local bufnr = vim.api.nvim_get_current_buf()
    vim.lsp.buf_attach_client(bufnr, client_id)
    table.insert(buffers, { path = path, bufnr = bufnr, uri = vim.uri_from_bufnr(bufnr) })
  end

  -- Rule ids each file should end up with (PRODREADY_NVIM_EXPECT, JSON {path: [ids]}): a workspace
  -- rule speaks only once the server has indexed the workspace, so the first publish may be empty.
  local expect = vim.fn.json_decode(env.PRODREADY_NVIM_EXPECT or '{}')
  local function settled(b)
    local list = lsp_list(b.uri)
    if not list then return false end
    for _, rule in ipairs(expect[b.path] or {}) do
      local found = false
      for _, d in ipairs(list) do
        if d.code == rule then found = true end
      end
      if not found then return false end
    end
    return true
  end
  local all_published = vim.wait(timeout_ms, function()
    for _, b in ipairs(buffers) do
      if not settled(b) then return false end
    end
    return true
  end, 50)
  if not all_published then table.insert(result.errors, 'timed out waiting for the expected diagnostics on every file') end

  for _, b in ipairs(buffers) do
    table.insert(result.files, {
      path = b.path,
      filetype = vim.api.nvim_buf_get_option(b.bufnr, 'filetype'),
      lsp = lsp_list(b.uri) or vim.NIL,
      shown = from_buffer(b.bufnr),
    })
  end

  -- didChange: fix the Dockerfile in the buffer (not on disk) and wait for the finding to go away.
  local edit_path = env.PRODREADY_NVIM_EDIT
  if edit_path and edit_path ~= '' then
    for _, b in ipairs(buffers) do
      if b.path == edit_path then
        local before = #(published[b.uri] or {})
        local lines = vim.api.nvim_buf_line_count(b.bufnr)
        vim.api.nvim_buf_set_lines(b.bufnr, lines, lines, false,
          { 'HEALTHCHECK CMD curl -f http://localhost:8080/health || exit 1' })
        local updated = vim.wait(timeout_ms, function()
          return #(published[b.uri] or {}) > before
        end, 50)
        result.edit = { path = b.path, updated = updated, lsp = lsp_list(b.uri) or vim.NIL, shown = from_buffer(b.bufnr) }
        if not updated then table.insert(result.errors, 'no diagnostics after editing ' .. b.path) end
      end
    end
  end

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
  finish(#result.errors == 0 and 0 or 1)
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local ok, err = pcall(run)
    if not ok then
      table.insert(result.errors, tostring(err))
      finish(1)
    end
  end,
})
