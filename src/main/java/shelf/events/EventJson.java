package shelf.events;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * An {@link Event} as one line of JSON, the events file's format:
 * <pre>{"ts":"2026-11-30T19:00:00.123Z","ms":1796065200123,"node":3,"lc":17,"vc":{"1":4,"3":17},"kind":"send",
 * "type":"ELECTION","peer":5,"mid":"3-42","epoch":12,"token":"12:4","detail":"…"}</pre>
 * Fields that do not apply are left out. Thread-safe.
 */
public final class EventJson {
    /** The {@code ts} field: UTC, always with milliseconds. */
    public static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();
    /** The names of the vector clock's fields, made once for the ids of any cluster of up to {@value #KEYS} nodes. */
    private static final int KEYS = 128;
    private static final String[] KEY_TEXT = java.util.stream.IntStream.range(0, KEYS).mapToObj(String::valueOf)
            .toArray(String[]::new);

    /** A wall time and its {@code ts} text. */
    private record Stamp(long ms, String text) {
    }

    /** The last {@code ts} formatted (any thread may swap it for a newer one: it is one immutable pair). */
    private static volatile Stamp lastStamp = new Stamp(Long.MIN_VALUE, "");

    private EventJson() {
    }

    /** Writes {@code e} as one JSON object (no newline) to {@code out}. */
    public static void write(Event e, JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("ts", time(e.ms()));
        out.writeNumberField("ms", e.ms());
        out.writeNumberField("node", e.node());
        out.writeNumberField("lc", e.lc());
        out.writeObjectFieldStart("vc");
        VectorClock vc = e.vc();
        for (int i = 0; i < vc.size(); i++) {
            if (vc.countAt(i) != 0) {
                out.writeNumberField(key(vc.idAt(i)), vc.countAt(i));
            }
        }
        out.writeEndObject();
        out.writeStringField("kind", e.kind().wire());
        out.writeStringField("type", e.type());
        if (e.hasPeer()) {
            out.writeNumberField("peer", e.peer());
        }
        optional(out, "mid", e.mid());
        if (e.epoch() != Event.NO_EPOCH) {
            out.writeNumberField("epoch", e.epoch());
        }
        optional(out, "token", e.token());
        optional(out, "detail", e.detail());
        out.writeEndObject();
    }

    /**
     * The {@code ts} text of {@code ms}: formatted once per millisecond (a busy node records many events in one), not
     * once per event.
     */
    static String time(long ms) {
        Stamp last = lastStamp;
        if (last.ms != ms) {
            last = new Stamp(ms, TIME.format(Instant.ofEpochMilli(ms)));
            lastStamp = last;
        }
        return last.text;
    }

    private static String key(int id) {
        return id >= 0 && id < KEYS ? KEY_TEXT[id] : String.valueOf(id);
    }

    private static void optional(JsonGenerator out, String name, String value) throws IOException {
        if (value != null) {
            out.writeStringField(name, value);
        }
    }

    /** {@code e} as one line of JSON, without the newline. */
    public static String toLine(Event e) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = FACTORY.createGenerator(text)) {
            write(e, out);
        } catch (IOException ex) {
            throw new IllegalStateException(ex); // a StringWriter does not fail
        }
        return text.toString();
    }

    /** A generator for a file's writer, which writes events one after another, in UTF-8. */
    static JsonGenerator generator(java.io.OutputStream out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.setRootValueSeparator(null); // the writer ends each event with a newline, and nothing else between them
        return g;
    }

    /**
     * Reads one line.
     *
     * @throws IllegalArgumentException when the line is not an event (not JSON, a field missing or of the wrong type)
     */
    public static Event parse(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Event.Kind kind = switch (text(n, "kind", true)) {
            case "send" -> Event.Kind.SEND;
            case "recv" -> Event.Kind.RECV;
            case "local" -> Event.Kind.LOCAL;
            default -> throw new IllegalArgumentException("kind is not send, recv or local");
        };
        long peer = optional(n, "peer", Event.NONE);
        if (peer > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("peer is not a node id");
        }
        return new Event(required(n, "ms"), (int) positive(n, "node"), required(n, "lc"), vector(n.get("vc")), kind,
                text(n, "type", true), (int) peer, text(n, "mid", false), optional(n, "epoch", Event.NO_EPOCH),
                text(n, "token", false), text(n, "detail", false));
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("no " + field);
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + " is not text");
        }
        return v.asText();
    }

    /** A whole number field that every event has. */
    private static long required(JsonNode n, String field) {
        if (n.get(field) == null) {
            throw new IllegalArgumentException("no " + field);
        }
        return optional(n, field, 0);
    }

    /** A whole number field, {@code absent} when missing. */
    private static long optional(JsonNode n, String field, long absent) {
        JsonNode v = n.get(field);
        if (v == null) {
            return absent;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new IllegalArgumentException(field + " is not a whole number >= 0");
        }
        return v.asLong();
    }

    private static long positive(JsonNode n, String field) {
        long v = required(n, field);
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(field + " is not a node id");
        }
        return v;
    }

    private static VectorClock vector(JsonNode vc) {
        if (vc == null || !vc.isObject()) {
            throw new IllegalArgumentException("no vc object");
        }
        Map<Integer, Long> entries = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = vc.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("vc key '" + e.getKey() + "' is not a node id");
            }
            if (id <= 0 || !e.getValue().isIntegralNumber() || e.getValue().asLong() < 0) {
                throw new IllegalArgumentException("vc entry " + e.getKey() + " is not a node id and a count");
            }
            entries.put(id, e.getValue().asLong());
        }
        return VectorClock.of(entries);
    }
}
