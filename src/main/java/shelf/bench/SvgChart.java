package shelf.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A grouped bar chart as a small standalone SVG document: one group per category (a row of a benchmark), one bar per
 * series in each group (a figure of that row), each bar labelled with its value. Hand-written, as charts of a few bars
 * need no plotting library in the node's jar; text is escaped, so a row's name cannot break the document.
 */
final class SvgChart {
    static final int WIDTH = 760;
    static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1"};

    private final String title;
    private final String unit;
    private final List<String> categories = new ArrayList<>();
    private final Map<String, List<Double>> series = new LinkedHashMap<>();

    SvgChart(String title, String unit, List<String> seriesNames) {
        this.title = title;
        this.unit = unit;
        seriesNames.forEach(s -> series.put(s, new ArrayList<>()));
    }

    /** One group of bars: {@code values} in the order of the series. */
    SvgChart add(String category, double... values) {
        if (values.length != series.size()) {
            throw new IllegalArgumentException(values.length + " values for " + series.size() + " series");
        }
        categories.add(category);
        int i = 0;
        for (List<Double> s : series.values()) {
            s.add(values[i++]);
        }
        return this;
    }

    String svg() {
        double max = series.values().stream().flatMap(List::stream).mapToDouble(Double::doubleValue).max().orElse(0);
        double top = niceCeiling(max);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.US, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        out.append(String.format(Locale.US, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        text(out, WIDTH / 2.0, 22, "middle", "font-size=\"15\" font-weight=\"bold\"", title);
        axis(out, top);
        bars(out, top);
        legend(out);
        return out.append("</svg>\n").toString();
    }

    private void axis(StringBuilder out, double top) {
        double plotHeight = HEIGHT - TOP - BOTTOM;
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotHeight - plotHeight * i / 4;
            out.append(String.format(Locale.US, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, y, WIDTH - RIGHT, y));
            text(out, LEFT - 6, y + 4, "end", "", format(top * i / 4));
        }
        text(out, 14, TOP + plotHeight / 2, "middle", "transform=\"rotate(-90 14 " + (TOP + plotHeight / 2) + ")\"", unit);
    }

    private void bars(StringBuilder out, double top) {
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double groupWidth = (WIDTH - LEFT - RIGHT) / (double) Math.max(1, categories.size());
        double barWidth = groupWidth * 0.8 / Math.max(1, series.size());
        for (int c = 0; c < categories.size(); c++) {
            double x0 = LEFT + c * groupWidth + groupWidth * 0.1;
            int s = 0;
            for (List<Double> values : series.values()) {
                double v = values.get(c);
                double h = top == 0 ? 0 : plotHeight * v / top;
                double x = x0 + s * barWidth;
                out.append(String.format(Locale.US,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                        x, TOP + plotHeight - h, barWidth - 2, h, COLOURS[s % COLOURS.length]));
                text(out, x + barWidth / 2 - 1, TOP + plotHeight - h - 3, "middle", "font-size=\"10\"", format(v));
                s++;
            }
            label(out, x0 + groupWidth * 0.4, HEIGHT - BOTTOM + 16, categories.get(c));
        }
    }

    /** A category's name under its group, one line per part ("Curator InterProcessMutex, ZooKeeper forceSync=no"). */
    private static void label(StringBuilder out, double x, double y, String name) {
        String[] parts = name.split(", | \\(");
        for (int i = 0; i < parts.length; i++) {
            text(out, x, y + 12 * i, "middle", "font-size=\"10\"", parts[i].replace(")", ""));
        }
    }

    private void legend(StringBuilder out) {
        int x = LEFT;
        int s = 0;
        for (String name : series.keySet()) {
            out.append(String.format(Locale.US, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    x, HEIGHT - 30, COLOURS[s++ % COLOURS.length]));
            text(out, x + 16, HEIGHT - 20, "start", "", name);
            x += 24 + 7 * name.length();
        }
    }

    private static void text(StringBuilder out, double x, double y, String anchor, String extra, String content) {
        out.append(String.format(Locale.US, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>%n",
                x, y, anchor, extra.isEmpty() ? "" : " " + extra, escape(content)));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** 1, 2 or 5 times a power of ten, at least {@code max}: the top of the value axis. */
    static double niceCeiling(double max) {
        if (max <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(max)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= max) {
                return step * power;
            }
        }
        return 10 * power;
    }

    /** A value as a reader wants it on a bar: whole numbers with separators from 100 up, else three significant digits. */
    static String format(double v) {
        if (v == 0) {
            return "0";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.US, "%,.0f", v);
        }
        return String.format(Locale.US, "%.3g", v);
    }
}
