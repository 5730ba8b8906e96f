// RFC 7515 §5.2 step 4 and RFC 7519 §4: a JOSE header or claims set with a repeated member name
// must be rejected, or else parsers disagree on which copy counts. JSON.parse keeps the last copy;
// a log shipper, an audit tool or another verifier may keep the first, so `{"sub":"a","sub":"b"}`
// would be authorised as "b" and recorded as "a". Found by the attack corpus (issue #9 item 4).

/**
 * The first member name that appears twice in one object of `json`, at any depth, compared after
 * unescaping (`"s\u0075b"` is `"sub"`); `undefined` if there is none. `json` must already be valid
 * JSON (the caller has parsed it), so this only walks strings and brackets and never validates.
 */
export function duplicateMemberName(json: string): string | undefined {
  // One entry per open bracket: the names seen so far for an object, `undefined` for an array.
  const open: (Set<string> | undefined)[] = []
  let expectingName = false
  for (let i = 0; i < json.length; i++) {
    const c = json[i]
    if (c === '"') {
      const end = endOfString(json, i)
      const names = open.at(-1)
      if (names && expectingName) {
        const name = JSON.parse(json.slice(i, end + 1)) as string
        if (names.has(name)) return name
        names.add(name)
      }
      expectingName = false
      i = end
    } else if (c === '{') {
      open.push(new Set())
      expectingName = true
    } else if (c === '[') {
      open.push(undefined)
      expectingName = false
    } else if (c === '}' || c === ']') {
      open.pop()
      expectingName = false
    } else if (c === ',') {
      expectingName = open.at(-1) !== undefined
    }
  }
  return undefined
}

/** The index of the quote that closes the string opened at `start`. */
function endOfString(json: string, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    if (json[i] === '\\') i++
    else if (json[i] === '"') return i
  }
  return json.length
}
