package io.gitfleet.agent.boot;

import io.gitfleet.agent.health.ProcessResult;
import io.gitfleet.agent.health.RunProcessCommand;
import io.gitfleet.schema.Report.SlotState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GRUB's environment block, edited with the real {@code grub-editenv}. Variables: {@code gitfleet_primary},
 * {@code gitfleet_try} (grub.cfg clears it with {@code save_env} as it boots it: one try), {@code gitfleet_a},
 * {@code gitfleet_b} ({@code good|bad|unknown}). The grub.cfg fragment that reads them is in docs/agent.md.
 */
public final class GrubEnvBootloader implements Bootloader {
    static final String PRIMARY = "gitfleet_primary";
    static final String TRY = "gitfleet_try";
    static final String HEADER = "# GRUB Environment Block\n";

    private final String editenv;
    private final Path envFile;
    private final BootedSlotProbe probe;
    private final Path bootIdFile;

    public GrubEnvBootloader(String editenv, Path envFile, BootedSlotProbe probe, Path bootIdFile) {
        this.editenv = editenv;
        this.envFile = envFile;
        this.probe = probe;
        this.bootIdFile = bootIdFile;
    }

    @Override
    public BootEnv read() throws IOException {
        if (!Files.exists(envFile)) {
            recreate(false);
        } else if (!intact()) {
            recreate(true);
        }
        Map<String, String> vars = list();
        Slot primary = parseSlot(vars.get(PRIMARY), Slot.A);
        Slot tryOnce = parseSlot(vars.get(TRY), null);
        String bootId = Files.isReadable(bootIdFile)
                ? Files.readString(bootIdFile, StandardCharsets.UTF_8).strip() : null;
        return new BootEnv(primary, tryOnce, state(vars.get("gitfleet_a")), state(vars.get("gitfleet_b")),
                probe.booted().orElse(null), bootId);
    }

    @Override
    public void markBad(Slot slot) throws IOException {
        BootEnv env = read();
        edit("set", var(slot) + "=bad");
        if (env.tryOnce() == slot) {
            edit("unset", TRY);
        }
    }

    @Override
    public void tryOnce(Slot slot) throws IOException {
        // Order matters for a power cut between the two calls: the try is written last.
        edit("set", var(slot) + "=unknown");
        edit("set", TRY + "=" + slot.wire());
    }

    @Override
    public void markGood(Slot slot) throws IOException {
        edit("set", var(slot) + "=good", PRIMARY + "=" + slot.wire());
        if (read().tryOnce() == slot) {
            edit("unset", TRY);
        }
    }

    @Override
    public void setPrimary(Slot slot) throws IOException {
        edit("set", PRIMARY + "=" + slot.wire());
        edit("unset", TRY);
    }

    /** grub-editenv's own test: a block starts with this header (and is padded with '#' to 1 KiB). */
    private boolean intact() throws IOException {
        byte[] head = new byte[HEADER.length()];
        try (var in = Files.newInputStream(envFile)) {
            return in.readNBytes(head, 0, head.length) == head.length
                    && new String(head, StandardCharsets.US_ASCII).equals(HEADER);
        }
    }

    /**
     * A missing block (a fresh node, a lost file) or a torn or overwritten one: GRUB cannot read it either, so it
     * boots its default (slot a) and saves nothing. The running slot is the only one known to boot: the new block
     * makes it the primary and good. A broken block is kept next to it for a person to look at, and the log says
     * what was found.
     */
    private void recreate(boolean corrupt) throws IOException {
        Slot running = probe.booted().orElse(null);
        if (corrupt && running == null) {
            throw new IOException("the GRUB environment block " + envFile + " is corrupt and the booted slot is unknown;"
                    + " recreate it with: grub-editenv " + envFile + " create");
        }
        String found = "missing";
        if (corrupt) {
            Path kept = envFile.resolveSibling(envFile.getFileName() + ".corrupt");
            Files.move(envFile, kept, StandardCopyOption.REPLACE_EXISTING);
            found = "corrupt (no '" + HEADER.strip() + "' header; kept as " + kept + ")";
        }
        edit("create");
        if (running != null) {
            edit("set", PRIMARY + "=" + running.wire(), var(running) + "=good");
        }
        System.err.println(Instant.now() + " the GRUB environment block " + envFile + " was " + found
                + (running != null ? "; recreated it with slot " + running.wire() + " (running) as primary and good"
                : "; created an empty one (GRUB boots slot a)"));
    }

    Map<String, String> list() throws IOException {
        ProcessResult r = run(List.of(editenv, envFile.toString(), "list"));
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : r.tail().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return vars;
    }

    private void edit(String command, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of(editenv, envFile.toString(), command));
        argv.addAll(List.of(args));
        run(argv);
        sync();
    }

    /**
     * GRUB reads the file system without replaying its journal: on ext3/4 an edit that is only committed to the
     * journal (what fsync gives) is invisible to GRUB until the metadata reaches its home blocks, and a power cut
     * before writeback (an armed try, a slot marked bad) would lose it for the bootloader. syncfs on the env
     * file's file system ({@code sync -f}) writes it home.
     */
    private void sync() throws IOException {
        run(List.of("sync", "-f", envFile.toString()));
    }

    private ProcessResult run(List<String> argv) throws IOException {
        ProcessResult r;
        try {
            r = new RunProcessCommand(argv).setTimeout(Duration.ofSeconds(30)).setTailBytes(1024).call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + editenv, e);
        }
        if (!r.ok()) {
            throw new IOException(r.describe(String.join(" ", argv)));
        }
        return r;
    }

    private static String var(Slot slot) {
        return "gitfleet_" + slot.wire();
    }

    private static Slot parseSlot(String value, Slot fallback) {
        return value == null || value.isBlank() ? fallback : Slot.parse(value);
    }

    private static SlotState state(String value) {
        if (value == null) {
            return SlotState.UNKNOWN;
        }
        return switch (value) {
            case "good" -> SlotState.GOOD;
            case "bad" -> SlotState.BAD;
            default -> SlotState.UNKNOWN;
        };
    }
}
