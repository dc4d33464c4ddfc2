package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README is a map to the code and the walkthroughs: every relative link in it and in docs/ must lead to a file
 * that exists and, with a #fragment, to a heading of that file (as the code hosts make anchors of headings).
 */
class DocsLinksIT {

    static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws IOException {
        Path root = Programs.root();
        List<Path> documents = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("README.zh-CN.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path document : documents) {
            Matcher m = LINK.matcher(Files.readString(document));
            while (m.find()) {
                String link = m.group(1);
                if (link.matches("[a-z]+:.*")) {
                    continue; // http://, https://, mailto: are not files of this repository
                }
                checked++;
                int hash = link.indexOf('#');
                Path target = hash == 0 ? document : document.getParent().resolve(hash < 0 ? link : link.substring(0, hash));
                if (!Files.exists(target)) {
                    broken.add(root.relativize(document) + ": " + link + " (no such file)");
                } else if (hash >= 0 && !anchors(target).contains(link.substring(hash + 1))) {
                    broken.add(root.relativize(document) + ": " + link + " (no such heading)");
                }
            }
        }
        assertTrue(checked > 50, "the README links to the code: only " + checked + " links found");
        assertEquals(List.of(), broken);
    }

    static final Pattern METHOD = Pattern.compile("`([A-Z]\\w*)\\.(?!java`)([a-z]\\w*)`|\\[`([A-Z]\\w*)\\.java`\\]\\([^)]*\\) `([a-z]\\w*)`");

    /** "`RabbitMqConsumer.run`" or "[`RabbitMqConsumer.java`](...) `run`": the class is a file here, the method is in it. */
    @Test
    void everyMethodTheReadmeNamesIsInItsClass() throws IOException {
        Path root = Programs.root();
        java.util.Map<String, String> sources = new java.util.HashMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/"))
                    .toList()) {
                sources.merge(file.getFileName().toString().replace(".java", ""), Files.readString(file), String::concat);
            }
        }
        List<String> missing = new ArrayList<>();
        int checked = 0;
        Matcher m = METHOD.matcher(Files.readString(root.resolve("README.md")));
        while (m.find()) {
            String type = m.group(1) != null ? m.group(1) : m.group(3);
            String method = m.group(2) != null ? m.group(2) : m.group(4);
            if (sources.containsKey(type)) {
                checked++;
                if (!Pattern.compile("\\b" + method + "\\s*\\(").matcher(sources.get(type)).find()) {
                    missing.add(type + "." + method);
                }
            }
        }
        assertTrue(checked > 20, "the README names the methods that do each step: only " + checked + " found");
        assertEquals(List.of(), missing);
    }

    /**
     * The Chinese guide cannot drift from the English docs: every command in its shell code blocks is also a command
     * of a shell block of README.md or docs/ (comments aside), so that what it tells a reader to run is what the
     * English docs run and the tests keep working. And the two READMEs link to each other.
     */
    @Test
    void everyCommandOfTheChineseGuideIsInTheEnglishDocs() throws IOException {
        Path root = Programs.root();
        List<String> english = new ArrayList<>(commands(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).toList()) {
                english.addAll(commands(doc));
            }
        }
        List<String> chinese = commands(root.resolve("README.zh-CN.md"));
        assertTrue(chinese.size() >= 8, "the Chinese guide's commands: " + chinese);
        assertEquals(List.of(), chinese.stream().filter(c -> !english.contains(c)).toList(),
                "commands of README.zh-CN.md that no English document has");
        assertTrue(Files.readString(root.resolve("README.md")).contains("](README.zh-CN.md)"), "README.md links to it");
        assertTrue(Files.readString(root.resolve("README.zh-CN.md")).contains("](README.md)"), "and it links back");
    }

    /** The commands of a Markdown file's bash blocks: comment lines and trailing comments dropped, "\" lines joined. */
    static List<String> commands(Path markdown) throws IOException {
        List<String> commands = new ArrayList<>();
        boolean shell = false;
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(markdown)) {
            if (line.startsWith("```")) {
                shell = !shell && line.equals("```bash");
                continue;
            }
            String command = line.replaceFirst("\\s+#(\\s.*)?$", "").strip();
            if (!shell || command.isEmpty() || command.startsWith("#")) {
                continue;
            }
            if (command.endsWith("\\")) {
                pending.append(command, 0, command.length() - 1).append(' ');
                continue;
            }
            commands.add((pending + command).replaceAll("\\s+", " "));
            pending.setLength(0);
        }
        return commands;
    }

    /**
     * A diagram shows what the code declares: every queue argument or header it names ({@code x-...},
     * {@code retry-...}, {@code original-...}) is a string the programs use, and every side queue or topic it
     * draws ({@code hello.retry}, {@code invoices.dlt}) ends in a suffix the code gives them. A renamed argument
     * or suffix fails here until the picture follows.
     */
    @Test
    void everyNameADiagramShowsIsOneTheCodeUses() throws IOException {
        Path root = Programs.root();
        StringBuilder code = new StringBuilder();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/"))
                    .toList()) {
                code.append(Files.readString(file));
            }
        }
        List<Path> documents = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        Pattern argument = Pattern.compile("\\b((?:x|retry|original|exception)-[a-z]+(?:-[a-z]+)*)\\b");
        Pattern sideQueue = Pattern.compile("\\b[a-z][\\w-]*(\\.(?:retry|dlq|dlt))\\b");
        List<String> unknown = new ArrayList<>();
        int diagrams = 0;
        for (Path document : documents) {
            for (String diagram : blocks(document, "```mermaid")) {
                diagrams++;
                Matcher a = argument.matcher(diagram);
                while (a.find()) {
                    if (!code.toString().contains("\"" + a.group(1) + "\"")) {
                        unknown.add(root.relativize(document) + ": " + a.group(1));
                    }
                }
                Matcher q = sideQueue.matcher(diagram);
                while (q.find()) {
                    if (!code.toString().contains("\"" + q.group(1) + "\"")) {
                        unknown.add(root.relativize(document) + ": " + q.group());
                    }
                }
            }
        }
        assertTrue(diagrams >= 3, "diagrams found: " + diagrams);
        assertEquals(List.of(), unknown, "names in diagrams that the code does not use");
    }

    /** The contents of the code blocks of a Markdown file that open with {@code fence}. */
    static List<String> blocks(Path markdown, String fence) throws IOException {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : Files.readAllLines(markdown)) {
            if (block == null && line.equals(fence)) {
                block = new StringBuilder();
            } else if (block != null && line.equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    /** The anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
    static List<String> anchors(Path markdown) throws IOException {
        List<String> anchors = new ArrayList<>();
        boolean code = false;
        for (String line : Files.readAllLines(markdown)) {
            if (line.startsWith("```")) {
                code = !code;
            } else if (!code && line.matches("#{1,6} .*")) {
                anchors.add(line.replaceFirst("#+ ", "").toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }
}
