// Go reference: golang.org/x/mod/semver, the package the go command orders module versions with.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/semver"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		f := strings.Split(in.Text(), "\t")
		if len(f) == 1 {
			if semver.IsValid(f[0]) {
				fmt.Fprintf(out, "%s\tvalid\n", f[0])
			} else {
				fmt.Fprintf(out, "%s\tinvalid\n", f[0])
			}
		} else {
			fmt.Fprintf(out, "%s\t%s\t%d\n", f[0], f[1], semver.Compare(f[0], f[1]))
		}
	}
}
