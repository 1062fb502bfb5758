package dev.verimail.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Peak RSS and CPU time of a process, read from Linux's /proc. */
record ProcessStats(String name, long peakRssKb, long rssKb, double cpuSeconds) {

    private static final double CLOCK_TICKS = 100.0;

    static ProcessStats of(String name, long pid) {
        try {
            long hwm = 0;
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = kb(line);
                }
                else if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                }
            }
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS;
            return new ProcessStats(name, hwm, rss, cpu);
        }
        catch (IOException | RuntimeException e) {
            return new ProcessStats(name + " (unavailable)", 0, 0, 0);
        }
    }

    static long pidOf(String command) {
        try {
            Process p = new ProcessBuilder("pgrep", "-o", "-x", command).start();
            List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
            p.waitFor();
            return out.isEmpty() ? -1 : Long.parseLong(out.get(0).trim());
        }
        catch (IOException | InterruptedException | RuntimeException e) {
            return -1;
        }
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
