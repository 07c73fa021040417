package thriftidl

import "strings"

// docText returns the doc text the comments before a token give it: the
// last /** */ comment among them, as Apache takes it, or else the run of
// // comments, each alone on its line, that ends on the line just above the
// token. The result is cleaned of comment markers and of the leading "*" of
// each line, and has no trailing newline.
func docText(comments []comment, line int) string {
	for i := len(comments) - 1; i >= 0; i-- {
		if comments[i].kind == commentDoc {
			return cleanBlockDoc(comments[i].text)
		}
	}
	return lineRunDoc(comments, line)
}

// lineRunDoc returns the cleaned // run directly above line, or "".
func lineRunDoc(comments []comment, line int) string {
	end := len(comments)
	if end == 0 || comments[end-1].kind != commentLine || !comments[end-1].ownLine || comments[end-1].endLine != line-1 {
		return ""
	}
	start := end - 1
	for start > 0 {
		prev := comments[start-1]
		if prev.kind != commentLine || !prev.ownLine || prev.endLine != comments[start].pos.Line-1 {
			break
		}
		start--
	}
	lines := make([]string, 0, end-start)
	for _, c := range comments[start:end] {
		t := strings.TrimPrefix(c.text, "//")
		t = strings.TrimPrefix(t, "/") // "///" is a common doc marker too
		lines = append(lines, t)
	}
	return joinDocLines(dedent(lines, 0))
}

// cleanBlockDoc cleans a /** */ comment the way Apache does: the first line
// loses its leading blanks, a common "  *" prefix is removed from the others,
// then their common indentation, and blank lines at either end are dropped.
func cleanBlockDoc(text string) string {
	text = strings.TrimSuffix(strings.TrimPrefix(text, "/**"), "*/")
	text = strings.ReplaceAll(text, "\r", "")
	lines := strings.Split(text, "\n")
	lines[0] = strings.TrimLeft(lines[0], " \t")
	if len(lines) > 1 && starPrefixed(lines[1:]) {
		for i := 1; i < len(lines); i++ {
			if j := strings.IndexByte(lines[i], '*'); j >= 0 {
				lines[i] = lines[i][j+1:]
			} else {
				lines[i] = ""
			}
		}
	}
	return joinDocLines(dedent(lines, 1))
}

// starPrefixed reports whether every non-blank line starts with the same
// indentation followed by '*'.
func starPrefixed(lines []string) bool {
	prefix := -1
	for _, l := range lines {
		i := strings.IndexFunc(l, func(r rune) bool { return r != ' ' && r != '\t' })
		if i < 0 {
			continue
		}
		if l[i] != '*' || prefix >= 0 && i != prefix {
			return false
		}
		prefix = i
	}
	return prefix >= 0
}

// dedent removes the smallest indentation of the non-blank lines from
// lines[from:], and trailing blanks from all of them.
func dedent(lines []string, from int) []string {
	indent := -1
	for _, l := range lines[from:] {
		i := strings.IndexFunc(l, func(r rune) bool { return r != ' ' && r != '\t' })
		if i >= 0 && (indent < 0 || i < indent) {
			indent = i
		}
	}
	for i := range lines {
		if i >= from && indent > 0 && len(lines[i]) >= indent {
			lines[i] = lines[i][indent:]
		}
		lines[i] = strings.TrimRight(lines[i], " \t")
	}
	return lines
}

func joinDocLines(lines []string) string {
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}
