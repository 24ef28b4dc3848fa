<?php
/**
 * The [patchbay_availability] shortcode and the markup shared with the block.
 *
 * Everything that came from Patchbay is escaped where it is printed. The mode (exact
 * quantities, in-stock labels or a calendar) is the organisation's, applied by Patchbay:
 * the plugin renders whatever fields the mode's answer carries and nothing else.
 *
 * @package PatchbayAvailability
 */

defined( 'ABSPATH' ) || exit;

/** Days shown by a calendar when the shortcode gives no end date (a month). */
const PATCHBAY_AV_CALENDAR_DAYS = 31;

/**
 * The shortcode's attributes and their defaults (the block has the same ones).
 *
 * - category, item: a Patchbay category or item number (all visible items when empty);
 * - from, to: YYYY-MM-DD (Patchbay's today when empty; a calendar then shows a month);
 * - view: "availability" (items and their availability) or "categories" (the categories).
 *
 * @return array<string, string>
 */
function patchbay_av_default_attributes() {
	return array(
		'category' => '',
		'item'     => '',
		'from'     => '',
		'to'       => '',
		'view'     => 'availability',
	);
}

/**
 * The shortcode's callback: returns the markup (a shortcode never prints).
 *
 * @param array<string, mixed>|string $atts Attributes as written in the post.
 * @return string
 */
function patchbay_av_shortcode( $atts ) {
	$atts = shortcode_atts( patchbay_av_default_attributes(), is_array( $atts ) ? $atts : array(), 'patchbay_availability' );
	return patchbay_av_render( $atts );
}

/**
 * Markup for a shortcode's or block's attributes.
 *
 * @param array<string, mixed> $atts Attributes (see patchbay_av_default_attributes()).
 * @return string
 */
function patchbay_av_render( $atts ) {
	wp_enqueue_style( 'patchbay-availability' );
	$atts = array_map( 'strval', array_merge( patchbay_av_default_attributes(), array_intersect_key( $atts, patchbay_av_default_attributes() ) ) );

	if ( 'categories' === $atts['view'] ) {
		$categories = patchbay_av_get( 'categories' );
		if ( is_wp_error( $categories ) ) {
			return patchbay_av_render_error( $categories );
		}
		return patchbay_av_render_categories( $categories['data'] );
	}

	$query = array();
	foreach ( array( 'category', 'item' ) as $name ) {
		if ( absint( $atts[ $name ] ) > 0 ) {
			$query[ $name ] = absint( $atts[ $name ] );
		}
	}
	foreach ( array( 'from', 'to' ) as $name ) {
		$value = trim( $atts[ $name ] );
		if ( '' !== $value && '' === patchbay_av_date_or_empty( $value ) ) {
			return patchbay_av_render_error( new WP_Error( 'patchbay_av_bad_attribute', '', array( 'status' => 0 ) ) );
		}
		if ( '' !== $value ) {
			$query[ $name ] = $value;
		}
	}

	$availability = patchbay_av_get( 'availability', $query );
	if ( ! is_wp_error( $availability ) && 'calendar' === $availability['display_mode'] && empty( $query['to'] ) && '' !== $availability['from'] ) {
		// A calendar with no end date shows a month. Its first day is Patchbay's (the
		// organisation's time zone decides what "today" is), known after the first call.
		$start         = new DateTimeImmutable( $availability['from'], new DateTimeZone( 'UTC' ) );
		$query['from'] = $availability['from'];
		$query['to']   = $start->modify( '+' . ( PATCHBAY_AV_CALENDAR_DAYS - 1 ) . ' days' )->format( 'Y-m-d' );
		$availability  = patchbay_av_get( 'availability', $query );
	}
	if ( is_wp_error( $availability ) ) {
		return patchbay_av_render_error( $availability );
	}
	return patchbay_av_render_availability( $availability );
}

/**
 * The friendly message visitors see when availability cannot be shown; administrators
 * also see why (never the key).
 *
 * @param WP_Error $error What went wrong.
 * @return string
 */
function patchbay_av_render_error( $error ) {
	$html  = '<div class="patchbay-av patchbay-av--error">';
	$html .= '<p class="patchbay-av__message">' . esc_html__( 'Equipment availability cannot be shown right now. Please try again later, or contact us to check availability.', 'patchbay-availability' ) . '</p>';
	if ( current_user_can( 'manage_options' ) ) {
		$html .= '<p class="patchbay-av__admin-note">' . esc_html(
			/* translators: %s: why availability cannot be shown. */
			sprintf( __( 'Shown to administrators only: %s', 'patchbay-availability' ), patchbay_av_error_explanation( $error ) )
		) . '</p>';
	}
	return $html . '</div>';
}

/**
 * The visible categories and how many items each shows.
 *
 * @param array<int, array<string, mixed>> $categories Categories from the API.
 * @return string
 */
function patchbay_av_render_categories( $categories ) {
	if ( ! $categories ) {
		return '<div class="patchbay-av"><p class="patchbay-av__empty">' . esc_html__( 'No equipment to show.', 'patchbay-availability' ) . '</p></div>';
	}
	$html = '<div class="patchbay-av patchbay-av--categories"><ul class="patchbay-av__categories">';
	foreach ( $categories as $category ) {
		$html .= sprintf(
			'<li class="patchbay-av__category" data-category="%1$s"><span class="patchbay-av__name">%2$s</span> <span class="patchbay-av__count">%3$s</span></li>',
			esc_attr( (string) $category['id'] ),
			esc_html( $category['name'] ),
			esc_html(
				sprintf(
					/* translators: %s: number of items in the category. */
					_n( '%s item', '%s items', $category['item_count'], 'patchbay-availability' ),
					number_format_i18n( $category['item_count'] )
				)
			)
		);
	}
	return $html . '</ul></div>';
}

/**
 * Items grouped by category, in the answer's display mode.
 *
 * @param array<string, mixed> $availability Normalised availability answer.
 * @return string
 */
function patchbay_av_render_availability( $availability ) {
	$mode = $availability['display_mode'];
	$html = '<div class="patchbay-av patchbay-av--' . esc_attr( $mode ) . '">';
	if ( '' !== $availability['from'] ) {
		$html .= '<p class="patchbay-av__range">' . esc_html( patchbay_av_range_text( $availability['from'], $availability['to'], $mode ) ) . '</p>';
	}
	if ( ! $availability['items'] ) {
		return $html . '<p class="patchbay-av__empty">' . esc_html__( 'No equipment to show.', 'patchbay-availability' ) . '</p></div>';
	}
	if ( 'calendar' === $mode ) {
		$html .= patchbay_av_render_legend();
	}
	$groups = array();
	foreach ( $availability['items'] as $item ) {
		$groups[ $item['category']['name'] ][] = $item;
	}
	foreach ( $groups as $category_name => $items ) {
		$html .= '<section class="patchbay-av__group">';
		if ( '' !== (string) $category_name ) {
			$html .= '<h3 class="patchbay-av__group-name">' . esc_html( (string) $category_name ) . '</h3>';
		}
		if ( 'calendar' === $mode ) {
			foreach ( $items as $item ) {
				$html .= '<div class="patchbay-av__calendar-item" data-item="' . esc_attr( (string) $item['id'] ) . '">';
				$html .= '<h4 class="patchbay-av__name">' . esc_html( $item['name'] ) . '</h4>';
				$html .= patchbay_av_render_months( isset( $item['days'] ) ? $item['days'] : array(), $availability['from'], $availability['to'] );
				$html .= '</div>';
			}
		} else {
			$html .= '<ul class="patchbay-av__items">';
			foreach ( $items as $item ) {
				$html .= '<li class="patchbay-av__item" data-item="' . esc_attr( (string) $item['id'] ) . '">';
				$html .= '<span class="patchbay-av__name">' . esc_html( $item['name'] ) . '</span> ';
				$html .= 'labels' === $mode ? patchbay_av_render_label( $item ) : patchbay_av_render_quantity( $item );
				$html .= '</li>';
			}
			$html .= '</ul>';
		}
		$html .= '</section>';
	}
	return $html . '</div>';
}

/**
 * "Availability on …" or "… from … to …", dates in the site's language.
 *
 * @param string $from First day (YYYY-MM-DD).
 * @param string $to   Last day (YYYY-MM-DD), may equal $from or be empty.
 * @param string $mode Display mode.
 * @return string Plain text.
 */
function patchbay_av_range_text( $from, $to, $mode ) {
	$format = get_option( 'date_format', 'j F Y' );
	$first  = patchbay_av_format_date( $from, $format );
	if ( '' === $to || $to === $from ) {
		/* translators: %s: a date. */
		return sprintf( __( 'Availability on %s', 'patchbay-availability' ), $first );
	}
	$last = patchbay_av_format_date( $to, $format );
	if ( 'quantities' === $mode || 'labels' === $mode ) {
		/* translators: 1: first date, 2: last date. */
		return sprintf( __( 'Availability for every day from %1$s to %2$s', 'patchbay-availability' ), $first, $last );
	}
	/* translators: 1: first date, 2: last date. */
	return sprintf( __( 'Availability from %1$s to %2$s', 'patchbay-availability' ), $first, $last );
}

/**
 * A YYYY-MM-DD date in a WordPress date format, translated.
 *
 * @param string $date   Date.
 * @param string $format PHP date format.
 * @return string
 */
function patchbay_av_format_date( $date, $format ) {
	$utc = new DateTimeZone( 'UTC' );
	return (string) wp_date( $format, ( new DateTimeImmutable( $date, $utc ) )->getTimestamp(), $utc );
}

/**
 * "4 of 10 available" (quantities mode).
 *
 * @param array<string, mixed> $item Item.
 * @return string
 */
function patchbay_av_render_quantity( $item ) {
	$available = isset( $item['available'] ) ? (int) $item['available'] : 0;
	$owned     = isset( $item['owned'] ) ? (int) $item['owned'] : 0;
	$state     = 0 === $available ? 'is-unavailable' : 'is-available';
	return '<span class="patchbay-av__status ' . $state . '">' . esc_html(
		sprintf(
			/* translators: 1: number free, 2: number owned. */
			__( '%1$s of %2$s available', 'patchbay-availability' ),
			number_format_i18n( $available ),
			number_format_i18n( $owned )
		)
	) . '</span>';
}

/**
 * "In stock" / "Out of stock" (labels mode): Patchbay's wording, else the plugin's.
 *
 * @param array<string, mixed> $item Item.
 * @return string
 */
function patchbay_av_render_label( $item ) {
	$in_stock = ! empty( $item['in_stock'] );
	$label    = isset( $item['label'] ) ? trim( (string) $item['label'] ) : '';
	if ( '' === $label ) {
		$label = $in_stock ? __( 'In stock', 'patchbay-availability' ) : __( 'Out of stock', 'patchbay-availability' );
	}
	return '<span class="patchbay-av__status ' . ( $in_stock ? 'is-available' : 'is-unavailable' ) . '">' . esc_html( $label ) . '</span>';
}

/**
 * The names of the calendar's day states, translated.
 *
 * @return array<string, string>
 */
function patchbay_av_state_names() {
	return array(
		'available'   => __( 'Available', 'patchbay-availability' ),
		'limited'     => __( 'Limited', 'patchbay-availability' ),
		'unavailable' => __( 'Unavailable', 'patchbay-availability' ),
	);
}

/**
 * The calendar's key: one swatch per state.
 *
 * @return string
 */
function patchbay_av_render_legend() {
	$html = '<ul class="patchbay-av__legend">';
	foreach ( patchbay_av_state_names() as $state => $name ) {
		$html .= '<li class="patchbay-av__legend-entry is-' . esc_attr( $state ) . '"><span class="patchbay-av__swatch" aria-hidden="true"></span>' . esc_html( $name ) . '</li>';
	}
	return $html . '</ul>';
}

/**
 * One month grid (weeks from Monday) per month the range touches; a day outside the
 * range, or one Patchbay sent nothing for, is shown without a state.
 *
 * @param array<string, string> $days State by date (YYYY-MM-DD).
 * @param string                $from First day of the range.
 * @param string                $to   Last day of the range.
 * @return string
 */
function patchbay_av_render_months( $days, $from, $to ) {
	$utc    = new DateTimeZone( 'UTC' );
	$first  = new DateTimeImmutable( $from, $utc );
	$last   = new DateTimeImmutable( '' !== $to ? $to : $from, $utc );
	$names  = patchbay_av_state_names();
	$monday = new DateTimeImmutable( '2024-01-01', $utc ); // A Monday: names the columns.
	$month  = $first->modify( 'first day of this month' );
	$html   = '';
	// A year at most (Patchbay refuses longer ranges); the bound keeps a bad answer short.
	for ( $count = 0; $month <= $last && $count < 13; $count++, $month = $month->modify( 'first day of next month' ) ) {
		$html .= '<table class="patchbay-av__month"><caption>' . esc_html( (string) wp_date( 'F Y', $month->getTimestamp(), $utc ) ) . '</caption><thead><tr>';
		for ( $column = 0; $column < 7; $column++ ) {
			$weekday = $monday->modify( "+{$column} days" )->getTimestamp();
			$html   .= '<th scope="col"><abbr title="' . esc_attr( (string) wp_date( 'l', $weekday, $utc ) ) . '">' . esc_html( (string) wp_date( 'D', $weekday, $utc ) ) . '</abbr></th>';
		}
		$html  .= '</tr></thead><tbody><tr>';
		$blanks = (int) $month->format( 'N' ) - 1;
		$html  .= str_repeat( '<td class="is-blank"></td>', $blanks );
		$length = (int) $month->format( 't' );
		for ( $day = 1; $day <= $length; $day++ ) {
			if ( 0 === ( $blanks + $day - 1 ) % 7 && $day > 1 ) {
				$html .= '</tr><tr>';
			}
			$date = $month->format( 'Y-m-' ) . sprintf( '%02d', $day );
			if ( isset( $days[ $date ] ) ) {
				$state = $days[ $date ];
				$html .= sprintf(
					'<td class="patchbay-av__day is-%1$s" data-date="%2$s" title="%3$s"><span class="patchbay-av__day-number">%4$d</span><span class="screen-reader-text"> %3$s</span></td>',
					esc_attr( $state ),
					esc_attr( $date ),
					esc_attr( $names[ $state ] ),
					$day
				);
			} else {
				$html .= '<td class="patchbay-av__day is-outside"><span class="patchbay-av__day-number">' . $day . '</span></td>';
			}
		}
		$html .= str_repeat( '<td class="is-blank"></td>', ( 7 - ( $blanks + $length ) % 7 ) % 7 );
		$html .= '</tr></tbody></table>';
	}
	return $html;
}
