// Passwords: read without echo from the terminal, or from stdin for scripts; generated.
#pragma once

#include <string>

namespace ecoctl {

// Prompts on the controlling terminal (/dev/tty) with echo off; Ctrl-C restores the
// terminal. Throws CommandError when there is no terminal: use --password-stdin then.
std::string ReadPasswordFromTerminal(const std::string& prompt);

// The first line of stdin without its line ending (`printf '%s\n' "$pw" | ecoctl …`).
std::string ReadPasswordFromStdin();

// 16 characters from 56 letters and digits that cannot be mistaken for each other
// (no 0/O, 1/l/I): about 93 bits, meant to be typed in once and changed.
std::string GeneratePassword();

}  // namespace ecoctl
