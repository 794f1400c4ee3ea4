# Compares the items of one Zabbix host (item.get output) with `atol-kkt zabbix registers`.
# Inputs (jq --slurpfile): $items (item.get result), $registers (the registers JSON);
# (--rawfile) $pairs (text: one
# "key<TAB>jsonpath" line per dependent item of the template, from validate_template.php).
# Prints one line per mismatch; nothing when every item holds what atol-kkt says.

def fields:
  $pairs | split("\n") | map(select(length > 0) | split("\t"))
  | map(select(.[0] | endswith("[{#SERIAL}]"))
        | {key: (.[0] | sub("\\[\\{#SERIAL\\}\\]$"; "")),
           value: (.[1] | capture("\\)\\]\\.(?<field>[a-z_]+)\\.first\\(\\)$").field)})
  | from_entries;

def expected_text($v):
  if $v == true then "1" elif $v == false then "0"
  elif ($v | type) == "array" then $v | join("\n")
  else $v | tostring end;

def same($item; $v):
  if ($v | type) == "number" then (($item.lastvalue | tonumber) - $v | fabs) < 0.0005
  elif ($v | type) == "string" and ($v | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$"))
       and ($item.lastvalue | test("^[0-9]+$")) then ($item.lastvalue | tonumber) == ($v | fromdate)
  else $item.lastvalue == expected_text($v) end;

def check($item; $v; $what):
  if $v == null then
    if $item.state == "1" and ($item.error | test("unknown")) then empty
    else "\($item.key_): \($what) is null: expected not supported with an \"unknown\" error, got state \($item.state) value \($item.lastvalue | tojson) error \($item.error | tojson)" end
  elif $item.state != "0" then "\($item.key_): not supported: \($item.error)"
  elif $item.lastclock == "0" then "\($item.key_): no value yet"
  elif same($item; $v) then empty
  else "\($item.key_): Zabbix has \($item.lastvalue | tojson), atol-kkt says \($v | tojson)" end;

$items[0] as $items
| $registers[0] as $registers
| ($registers | map({key: .serial_number, value: .}) | from_entries) as $by_serial
| fields as $fields
| $items[]
| . as $item
| if (.key_ | test("^atol\\.kkt\\.[a-z_]+\\[[0-9]+\\]$")) then
    (.key_ | capture("^(?<base>atol\\.kkt\\.[a-z_]+)\\[(?<serial>[0-9]+)\\]$")) as $k
    | $fields[$k.base] as $field
    | if $field == null then "\(.key_): not an item prototype of the template"
      elif $by_serial[$k.serial] == null then "\(.key_): register \($k.serial) is not in atol-kkt's output"
      else check($item; $by_serial[$k.serial][$field]; $field) end
  elif .key_ == "atol.kkt.registers.count" then check($item; $registers | length; "count")
  elif .key_ == "atol.kkt.registers.warning" then check($item; $registers | map(select(.state_code == 1)) | length; "warning count")
  elif .key_ == "atol.kkt.registers.critical" then check($item; $registers | map(select(.state_code == 2)) | length; "critical count")
  elif .key_ == "atol.kkt.registers.unknown" then check($item; $registers | map(select(.state_code == 3)) | length; "unknown count")
  elif .key_ == "atol.kkt.api.error" then check($item; ""; "API error")
  elif .key_ == "atol.kkt.list.age" then check($item; $registers[0].list_age_seconds; "list age")
  else empty end
