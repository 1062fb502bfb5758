package dev.verimail.web;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads API bodies strictly: a number or boolean where a string is expected ({@code "name": 42}) and an object with
 * the same key twice are unreadable (400 {@code malformed-json}), instead of Jackson's lenient defaults of coercing
 * the scalar to text and keeping the last key. Services register {@link #customizer()} as a bean; only the web
 * layer's mapper changes, events use their own.
 */
public final class StrictJsonInput {

    private StrictJsonInput() {
    }

    public static JsonMapperBuilderCustomizer customizer() {
        return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .withCoercionConfig(LogicalType.Textual, text -> text
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }
}
