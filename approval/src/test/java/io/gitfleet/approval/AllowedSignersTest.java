package io.gitfleet.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each malformed allowed-signers line is named by its number and reason; well-formed lines are kept as they are. */
class AllowedSignersTest {
    static final String KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIHk2k6KV6uYQ9aQWmC5hS0ZB6iE3bOe8sX6eCzKp0v0a";

    @Test
    void wellFormedLinesPass() {
        for (String line : List.of("alice@example.org ssh-ed25519 " + KEY,
                "alice@example.org,bob@example.org ssh-ed25519 " + KEY + " a comment",
                "gitfleet@localhost namespaces=\"git\" ssh-ed25519 " + KEY,
                "*@example.org cert-authority,namespaces=\"git,file\",valid-after=20250101 ssh-ed25519 " + KEY,
                "# a comment", "")) {
            assertNull(AllowedSigners.problem(line), line);
        }
    }

    @Test
    void eachMalformedLineSaysWhy() {
        assertEquals("expected 'principals [options] keytype key', found 1 field", AllowedSigners.problem("alice"));
        assertEquals("no key after the key type", AllowedSigners.problem("alice ssh-ed25519"));
        assertEquals("the ssh-ed25519 key is not valid base64", AllowedSigners.problem("a ssh-ed25519 !!!"));
        assertEquals("the key is not a ssh-rsa key (it says ssh-ed25519)",
                AllowedSigners.problem("a ssh-rsa " + KEY));
        assertEquals("'bogus' is neither a key type nor options (cert-authority, namespaces=, valid-after=, "
                + "valid-before=)", AllowedSigners.problem("a bogus ssh-ed25519 " + KEY));
        assertEquals("'ssh-foo' is not an SSH key type (like ssh-ed25519)",
                AllowedSigners.problem("a namespaces=\"git\" ssh-foo " + KEY));
        assertEquals("a quote is not closed", AllowedSigners.problem("a namespaces=\"git ssh-ed25519 " + KEY));
    }

    @Test
    void malformedLinesAreLeftOutAndCounted() {
        String text = "alice@example.org ssh-ed25519 " + KEY + "\nbroken\n# c\n";
        AllowedSigners.Parsed p = AllowedSigners.parse(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(new AllowedSigners.LineProblem(2, "expected 'principals [options] keytype key', found 1 "
                + "field")), p.problems());
        assertEquals("alice@example.org ssh-ed25519 " + KEY + "\n# c\n\n",
                new String(p.wellFormed(), StandardCharsets.UTF_8));
    }
}
