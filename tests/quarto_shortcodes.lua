-- Findet Stellen, an denen Quartos Shortcode-Grammatik einen Shortcode beginnen würde.
-- Aufruf: pandoc lua quarto_shortcodes.lua < LISTE  (ein Pfad je Zeile; gibt "DATEI:BYTE" je
-- Fund aus). Die Pfade kommen über stdin, weil pandoc lua bei über 100 Argumenten abstürzt.
--
-- Quarto (src/resources/pandoc/datadir/lpegshortcode.lua, readqmd.lua) zerlegt den
-- Markdown-Quelltext mit LPeg in Text und Shortcodes; Text ist jedes Zeichen, an dem weder
-- "{{{<" noch "{{<" beginnt, und jeder Shortcode (auch die maskierten Formen "{{{<" und
-- "{{</*") beginnt mit "{{<". Ein Quelltext ohne "{{<" enthält daher keinen Shortcode; diese
-- Prüfung ist strenger als Quarto (sie verlangt kein schließendes ">}}").
local lpeg = require("lpeg")

local oeffner = lpeg.P("{{{<") + lpeg.P("{{</*") + lpeg.P("{{<")
local naechster = (1 - oeffner) ^ 0 * lpeg.Cp() * oeffner

local funde = 0
for pfad in io.lines() do
  local datei = assert(io.open(pfad, "rb"))
  local text = datei:read("a")
  datei:close()
  local start = 1
  while true do
    local stelle = naechster:match(text, start)
    if not stelle then break end
    print(pfad .. ":" .. stelle)
    funde = funde + 1
    start = stelle + 1
  end
end
io.stderr:write(tostring(funde) .. " Shortcode-Anfänge\n")
