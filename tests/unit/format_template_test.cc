// Docker's --format language (src/cli/core/format_template.h): the
// templates scripts pass to `docker images`, `inspect -f` and `ps`, their
// output as Go prints it, table alignment and the error messages.
#include "cli/core/format_template.h"

#include <optional>

#include <gtest/gtest.h>

namespace ward::cli {
namespace {

using nlohmann::json;

// The output, or "error: <message>" so a test shows what went wrong.
std::string run(std::string_view text, const json& dot = json::object()) {
  auto parsed = Template::parse(text);
  if (!parsed) return "error: " + parsed.error().message;
  auto out = parsed->render(dot);
  if (!out) return "error: " + out.error().message;
  return *out;
}

const json image = json::parse(R"({
  "Repository": "alpine", "Tag": "3.19", "Id": "sha256:abc", "Size": 7400000,
  "RepoTags": ["alpine:3.19", "alpine:latest"],
  "Config": {"Labels": {"a": "1", "b": "two"}, "Env": ["PATH=/bin", "HOME=/root"], "Empty": []},
  "State": {"Status": "running", "Pid": 4242, "Running": true, "ExitCode": 0},
  "Ratio": 1.5, "Whole": 3.0, "Nothing": null
})");

TEST(FormatTemplate, TextAndFields) {
  EXPECT_EQ(run("plain text"), "plain text");
  EXPECT_EQ(run("{{.Repository}}:{{.Tag}}", image), "alpine:3.19");
  EXPECT_EQ(run("{{ .State.Status }}", image), "running");
  EXPECT_EQ(run("{{.State.Pid}}", image), "4242");
  EXPECT_EQ(run("{{.Size}} {{.Ratio}} {{.Whole}}", image), "7400000 1.5 3");
  EXPECT_EQ(run("{{.State.Running}} {{.State.ExitCode}}", image), "true 0");
  EXPECT_EQ(run("{{.}}", json("x")), "x");
}

TEST(FormatTemplate, MissingFieldsPrintNoValue) {
  EXPECT_EQ(run("{{.Missing}}", image), "<no value>");
  EXPECT_EQ(run("{{.Nothing}}", image), "<no value>");
  EXPECT_EQ(run("{{.Missing.Deeper}}", image), "<no value>");
  EXPECT_EQ(run("{{.Repository.Name}}", image),
            "error: template: 1:3: executing: can't evaluate field Name in type string");
}

TEST(FormatTemplate, PrintsContainersAsGoDoes) {
  EXPECT_EQ(run("{{.RepoTags}}", image), "[alpine:3.19 alpine:latest]");
  EXPECT_EQ(run("{{.Config.Labels}}", image), "map[a:1 b:two]");
  EXPECT_EQ(run("{{.}}", json::parse(R"({"x": null, "y": [1, true]})")), "map[x:<nil> y:[1 true]]");
}

TEST(FormatTemplate, Json) {
  EXPECT_EQ(run("{{json .Config.Labels}}", image), R"({"a":"1","b":"two"})");
  EXPECT_EQ(run("{{json .RepoTags}}", image), R"(["alpine:3.19","alpine:latest"])");
  EXPECT_EQ(run("{{json .Missing}}", image), "null");
  EXPECT_EQ(run("{{json .}}", json::parse(R"({"html": "<a&b>"})")), R"({"html":"<a&b>"})");
  EXPECT_EQ(run("{{json .State}}", image), R"({"ExitCode":0,"Pid":4242,"Running":true,"Status":"running"})");
}

TEST(FormatTemplate, Range) {
  EXPECT_EQ(run("{{range .RepoTags}}{{.}} {{end}}", image), "alpine:3.19 alpine:latest ");
  EXPECT_EQ(run("{{range $i, $t := .RepoTags}}{{$i}}={{$t}},{{end}}", image), "0=alpine:3.19,1=alpine:latest,");
  EXPECT_EQ(run("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", image), "a=1;b=two;");
  EXPECT_EQ(run("{{range $v := .Config.Env}}[{{$v}}]{{end}}", image), "[PATH=/bin][HOME=/root]");
  EXPECT_EQ(run("{{range .Config.Empty}}x{{else}}none{{end}}", image), "none");
  EXPECT_EQ(run("{{range .Missing}}x{{else}}none{{end}}", image), "none");
  EXPECT_EQ(run("{{range .RepoTags}}{{$.Repository}} {{end}}", image), "alpine alpine ");
  EXPECT_EQ(run("{{range .RepoTags}}{{.}}{{break}}{{end}}", image), "alpine:3.19");
  EXPECT_EQ(run("{{range 3}}{{.}}{{end}}"), "012");
  EXPECT_EQ(run("{{range $i, $v := 2}}{{$i}}{{$v}},{{end}}"), "00,11,");
  EXPECT_EQ(run("{{range 0}}x{{else}}none{{end}} {{range -1}}x{{end}}"), "none ");
  EXPECT_EQ(run("{{range 1000000000000}}{{.}}{{break}}{{end}}"), "0");
  EXPECT_EQ(run("{{range .Repository}}{{end}}", image),
            "error: template: 1:1: executing: range can't iterate over alpine");
}

TEST(FormatTemplate, IfElseAndWith) {
  EXPECT_EQ(run(R"({{if eq .State.Status "running"}}yes{{else}}no{{end}})", image), "yes");
  EXPECT_EQ(run(R"({{if eq .State.Status "exited"}}yes{{else}}no{{end}})", image), "no");
  EXPECT_EQ(run(R"({{if eq .Tag "1"}}a{{else if eq .Tag "3.19"}}b{{else}}c{{end}})", image), "b");
  EXPECT_EQ(run("{{if .Config.Empty}}full{{else}}empty{{end}}", image), "empty");
  EXPECT_EQ(run("{{if .Missing}}set{{end}}", image), "");
  EXPECT_EQ(run("{{with .State}}{{.Pid}}{{end}}", image), "4242");
  EXPECT_EQ(run("{{with .Missing}}{{.}}{{else}}none{{end}}", image), "none");
  EXPECT_EQ(run("{{if and .State.Running (gt .State.Pid 0)}}up{{end}}", image), "up");
  EXPECT_EQ(run("{{or .Missing .Tag}}", image), "3.19");
  EXPECT_EQ(run("{{and .Tag .Missing}}", image), "<no value>");
  EXPECT_EQ(run("{{not .State.Running}}", image), "false");
}

TEST(FormatTemplate, MoreControl) {
  EXPECT_EQ(run("{{if .Missing}}a{{else with .State}}{{.Status}}{{end}}", image), "running");
  EXPECT_EQ(run("{{range $i, $t := .RepoTags}}{{if eq $i 0}}{{continue}}{{end}}{{$t}}{{end}}", image), "alpine:latest");
  EXPECT_EQ(run(R"({{(index .Config.Env 1) | printf "%.3s"}} {{(.State).Pid}})", image), "HOM 4242");
  EXPECT_EQ(run("{{.Config.Labels | json}}", image), R"({"a":"1","b":"two"})");
  EXPECT_EQ(run("{{ $x := 1 }}{{ $x }}"), "1");
  EXPECT_EQ(run("{{if eq 1 1.0}}same{{end}}"), "same");
}

TEST(FormatTemplate, Variables) {
  EXPECT_EQ(run("{{$x := .Tag}}{{$x}}", image), "3.19");
  EXPECT_EQ(run("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}"), "2");
  EXPECT_EQ(run("{{$.State.Pid}}", image), "4242");
  EXPECT_EQ(run("{{with $s := .State}}{{$s.Status}}{{end}}", image), "running");
  EXPECT_EQ(run("{{if true}}{{$y := 1}}{{end}}{{$y}}"), "error: template: 1:32: undefined variable \"$y\"");
  EXPECT_EQ(run("{{range $i, $v := .RepoTags}}{{end}}{{$i}}", image),
            "error: template: 1:39: undefined variable \"$i\"");
  EXPECT_EQ(run("{{$z = 1}}"), "error: template: 1:3: undefined variable \"$z\"");
  EXPECT_EQ(run("{{if $v := .Tag}}{{$v}}{{else}}{{$v}}{{end}}", image), "3.19");
}

TEST(FormatTemplate, IndexAndLen) {
  EXPECT_EQ(run(R"({{index .Config.Labels "a"}})", image), "1");
  EXPECT_EQ(run(R"({{index .Config.Labels "zzz"}})", image), "<no value>");
  EXPECT_EQ(run("{{index .RepoTags 1}}", image), "alpine:latest");
  EXPECT_EQ(run("{{index .RepoTags 5}}", image),
            "error: template: 1:3: executing: error calling index: index out of range: 5");
  EXPECT_EQ(run("{{len .RepoTags}} {{len .Config.Labels}} {{len .Tag}}", image), "2 2 4");
  EXPECT_EQ(run("{{(index .RepoTags 0)}}", image), "alpine:3.19");
}

TEST(FormatTemplate, StringFunctions) {
  EXPECT_EQ(run(R"({{join .RepoTags ", "}})", image), "alpine:3.19, alpine:latest");
  EXPECT_EQ(run(R"({{split "a:b:c" ":"}})"), "[a b c]");
  EXPECT_EQ(run(R"({{index (split .Id ":") 1}})", image), "abc");
  EXPECT_EQ(run("{{upper .Repository}} {{lower \"ABC\"}} {{title \"hello big-world\"}}", image),
            "ALPINE abc Hello Big-World");
  EXPECT_EQ(run("{{truncate .Id 6}}|{{truncate \"ab\" 6}}", image), "sha256|ab");
  EXPECT_EQ(run("[{{pad .Tag 1 2}}][{{pad \"\" 1 2}}]", image), "[ 3.19  ][]");
  EXPECT_EQ(run("{{.Repository | upper}}", image), "ALPINE");
  EXPECT_EQ(run(R"({{.Tag | printf "tag=%s"}})", image), "tag=3.19");
}

TEST(FormatTemplate, PrintFunctions) {
  EXPECT_EQ(run(R"({{printf "%s:%d %v %q" .Repository .State.Pid .Ratio .Tag}})", image), R"(alpine:4242 1.5 "3.19")");
  EXPECT_EQ(run(R"({{printf "%-8s|%5d|%05d|%.2f|%%" "ab" 42 42 1.5}})"), "ab      |   42|00042|1.50|%");
  EXPECT_EQ(run(R"({{printf "%d" "x"}} {{printf "%s"}})"), "%!d(string=x) %!s(MISSING)");
  EXPECT_EQ(run(R"({{print "a" 1 2 "b"}})"), "a1 2b");
  EXPECT_EQ(run(R"({{println "a" 1}})"), "a 1\n");
  EXPECT_EQ(run(R"({{printf "%q" "a\tb\"c"}})"), R"("a\tb\"c")");
}

TEST(FormatTemplate, Comparisons) {
  EXPECT_EQ(run("{{eq 1 1}} {{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt 1 2}} {{ge 1.5 1}}"),
            "true true true true false true");
  EXPECT_EQ(run(R"({{eq .Tag "x" "3.19"}} {{lt "a" "b"}})", image), "true true");
  EXPECT_EQ(run(R"({{eq .Missing "x"}})", image), "false");
  EXPECT_EQ(run(R"({{eq 1 "1"}})"),
            "error: template: 1:3: executing: error calling eq: incompatible types for comparison");
}

TEST(FormatTemplate, TrimMarkersAndComments) {
  EXPECT_EQ(run("a  {{- .Tag -}}  \n b", image), "a3.19b");
  EXPECT_EQ(run("a {{/* note */}}b"), "a b");
  EXPECT_EQ(run("a {{- /* note */ -}} b"), "ab");
  EXPECT_EQ(run("{{-3}}"), "-3");
  EXPECT_EQ(run("{{range .RepoTags -}}\n  {{.}}\n{{- end}}", image), "alpine:3.19alpine:latest");
}

TEST(FormatTemplate, Literals) {
  EXPECT_EQ(run(R"({{"a\tb"}}|{{`raw\t`}}|{{42}}|{{-1.25}}|{{true}}|{{0x10}}|{{'a'}})"),
            "a\tb|raw\\t|42|-1.25|true|16|97");
}

TEST(FormatTemplate, ParseErrors) {
  EXPECT_EQ(run("{{.Tag"), "error: template: 1:1: unclosed action");
  EXPECT_EQ(run("{{end}}"), "error: template: 1:3: unexpected {{end}}");
  EXPECT_EQ(run("{{else}}"), "error: template: 1:3: unexpected {{else}}");
  EXPECT_EQ(run("{{if .A}}x"), "error: template: 1:1: unexpected end of template: {{if}} has no {{end}}");
  EXPECT_EQ(run("{{foo .A}}"), "error: template: 1:3: function \"foo\" not defined");
  EXPECT_EQ(run("{{html .A}}"), "error: template: 1:3: function \"html\" is not supported");
  EXPECT_EQ(run(R"({{define "x"}}{{end}})"), "error: template: 1:3: {{define}} is not supported");
  EXPECT_EQ(run("{{.A .B}}"), "error: template: 1:6: can't give argument to non-function");
  EXPECT_EQ(run("{{}}"), "error: template: 1:3: missing value for command");
  EXPECT_EQ(run("{{/* open }}"), "error: template: 1:1: unclosed comment");
  EXPECT_EQ(run(R"({{"abc}})"), "error: template: 1:3: unterminated quoted string");
  EXPECT_EQ(run("{{break}}"), "error: template: 1:3: {{break}} outside {{range}}");
  EXPECT_EQ(run("{{printf}}"),
            "error: template: 1:3: executing: wrong number of args for printf: want at least 1 got 0");
  auto bad = Template::parse("{{nope}}");
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().is(ErrorKind::invalid_input));
}

TEST(FormatTemplate, TemplateIsCopyableAndReusable) {
  auto parsed = Template::parse("{{.Tag}}");
  ASSERT_TRUE(parsed);
  std::optional<Template> kept = *parsed;
  Template copy = *kept;
  EXPECT_EQ(copy.render(image).value(), "3.19");
  EXPECT_EQ(kept->render(json::parse(R"({"Tag": "x"})")).value(), "x");
}

TEST(FormatTemplate, Unescape) {
  EXPECT_EQ(unescape_format_flag(R"({{.A}}\t{{.B}}\n)"), "{{.A}}\t{{.B}}\n");
  EXPECT_EQ(unescape_format_flag(R"(a\\tb \x)"), "a\\\tb \\x");
  EXPECT_EQ(unescape_format_flag(unescape_format_flag(R"(a\tb)")), "a\tb");
}

const HeaderLabels labels = {{"Repository", "REPOSITORY"}, {"Tag", "TAG"}, {"Size", "SIZE"}};
const std::vector<json> rows = {
    json{{"Repository", "alpine"}, {"Tag", "3.19"}, {"Size", "7.4MB"}, {"ID", "abc"}},
    json{{"Repository", "registry.example.com/team/app"}, {"Tag", "latest"}, {"Size", "120MB"}, {"ID", "def"}},
};

TEST(FormatTemplate, TableAlignsLikeTabwriter) {
  // Column 1 is as wide as its widest cell (29) plus 3; column 2 gets the minimum, 10.
  std::string expected = "REPOSITORY" + std::string(22, ' ') + "TAG" + std::string(7, ' ') + "SIZE\n" +  //
                         "alpine" + std::string(26, ' ') + "3.19" + std::string(6, ' ') + "7.4MB\n" +    //
                         "registry.example.com/team/app" + std::string(3, ' ') + "latest" + std::string(4, ' ') +
                         "120MB\n";
  EXPECT_EQ(render_format(R"(table {{.Repository}}\t{{.Tag}}\t{{.Size}})", labels, rows).value(), expected);
}

TEST(FormatTemplate, TableHeaderUsesLabelsOrUpperCasedNames) {
  auto out = render_format("table {{.ID}}\t{{upper .Tag}}", labels, {});
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "ID" + std::string(8, ' ') + "TAG\n");
}

TEST(FormatTemplate, PlainFormatIsOneLinePerRow) {
  EXPECT_EQ(render_format("{{.Repository}}:{{.Tag}}", labels, rows).value(),
            "alpine:3.19\nregistry.example.com/team/app:latest\n");
  EXPECT_EQ(render_format("{{.ID}}\\t{{.Tag}}", labels, rows).value(), "abc\t3.19\ndef\tlatest\n");
  EXPECT_EQ(render_format("{{.Tag}}", labels, {}).value(), "");
}

TEST(FormatTemplate, FormatErrors) {
  auto table_alone = render_format("table", labels, rows);
  ASSERT_FALSE(table_alone);
  EXPECT_EQ(table_alone.error().message, "format \"table\" needs a template after it");
  auto bad = render_format("{{.Tag", labels, rows);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "template: 1:1: unclosed action");
}

}  // namespace
}  // namespace ward::cli
