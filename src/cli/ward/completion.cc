// ward completion bash|zsh: a shell completion script.  The script asks
// ward itself at completion time (`ward --help`, `ward VERB --help`,
// `ward ps`, `ward images`, `ward volume ls`), so it always offers what
// this ward has: its verbs, a management command's subcommands, a verb's
// flags, and the names of containers, images and volumes.
//   source <(ward completion bash)          (bash)
//   ward completion zsh > "${fpath[1]}/_ward"   (zsh)
#include <cstdio>

#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

constexpr const char* kBashScript = R"script(# bash completion for ward (written by `ward completion bash`)
_ward_list() {
  # The "Commands:" section of `ward ARGS... --help`: verbs or subcommands.
  "${_ward_cmd[@]}" "$@" --help 2>/dev/null |
    awk '/^Commands:/ { listing = 1; next } listing && /^   [a-z]/ { print $1 } /^$/ { listing = 0 }'
}
_ward_flags() {
  "${_ward_cmd[@]}" "$@" --help 2>/dev/null | grep -oE -- '(^|[ ,])--?[a-zA-Z0-9][a-zA-Z0-9-]*' | tr -d ' ,'
}
_ward() {
  local cur=${COMP_WORDS[COMP_CWORD]} verb='' sub='' i word
  _ward_cmd=(ward)
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ $word == --root ]]; then
      _ward_cmd+=(--root "${COMP_WORDS[i + 1]}")
      ((i++))
      continue
    fi
    [[ $word == -* ]] && continue
    if [[ -z $verb ]]; then
      verb=$word
    elif [[ -z $sub && $verb =~ ^(container|image|volume|system)$ ]]; then
      sub=$word
    fi
  done
  local words
  if [[ $cur == -* ]]; then
    words=$(_ward_flags $verb $sub)
  elif [[ -z $verb ]]; then
    words=$(_ward_list)
  elif [[ -z $sub && $verb =~ ^(container|image|volume|system)$ ]]; then
    words=$(_ward_list "$verb")
  else
    case "$verb $sub" in
      "volume "* | "system "*)
        words=$("${_ward_cmd[@]}" volume ls -q 2>/dev/null) ;;
      "image "* | "run " | "create " | "pull " | "push " | "rmi " | "tag " | "save " | "history " | "scan ")
        words=$("${_ward_cmd[@]}" images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -v '<none>') ;;
      *)
        words=$("${_ward_cmd[@]}" ps -a --format '{{.Names}}' 2>/dev/null) ;;
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _ward ward
)script";

}  // namespace

int cmd_completion(const WardOptions&, const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::fputs(
        "usage: ward completion bash|zsh\n\nPrint a shell completion script for ward.\n\n"
        "  source <(ward completion bash)\n  ward completion zsh > \"${fpath[1]}/_ward\"\n",
        stdout);
    return 0;
  }
  if (args.size() != 1)
    return kReporter.fail("completion", "requires exactly 1 argument: bash or zsh", kExitDockerUsage);
  if (args[0] == "bash") {
    std::fputs(kBashScript, stdout);
    return 0;
  }
  if (args[0] == "zsh") {
    // zsh runs the bash function through its bash-completion layer.
    std::fputs("#compdef ward\nautoload -U +X bashcompinit && bashcompinit\n", stdout);
    std::fputs(kBashScript, stdout);
    return 0;
  }
  return kReporter.fail("completion", "shell \"" + args[0] + "\": not supported (bash and zsh are)", kExitDockerUsage);
}

}  // namespace ward::cli::engine
