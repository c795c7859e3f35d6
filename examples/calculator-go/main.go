// A calculator in the seed's shape: reads "A OP B" lines from stdin and prints "Result: N".
// "exit" quits; a bad line prints an error and the calculator carries on.
// Built with CGO_ENABLED=0 it is one static binary that runs in a FROM scratch image.
package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		if line == "" {
			continue
		}
		if line == "exit" {
			return
		}
		result, err := evaluate(line)
		if err != nil {
			fmt.Printf("Error: %v\n", err)
			continue
		}
		fmt.Printf("Result: %s\n", strconv.FormatFloat(result, 'f', -1, 64))
	}
}

func evaluate(line string) (float64, error) {
	fields := strings.Fields(line)
	if len(fields) != 3 {
		return 0, fmt.Errorf("expected 'A OP B', e.g. '1 + 2'")
	}
	a, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", fields[0])
	}
	b, err := strconv.ParseFloat(fields[2], 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", fields[2])
	}
	var r float64
	switch fields[1] {
	case "+":
		r = a + b
	case "-":
		r = a - b
	case "*":
		r = a * b
	case "/":
		if b == 0 {
			return 0, fmt.Errorf("division by zero")
		}
		r = a / b
	default:
		return 0, fmt.Errorf("unknown operator %q (use + - * /)", fields[1])
	}
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return 0, fmt.Errorf("result is out of range")
	}
	return r, nil
}
