// lunar-javascript 1.7.7 ships no typings. Only the members this module uses are declared, so a
// library upgrade that changes them shows up as a type error here rather than a wrong holiday.
declare module 'lunar-javascript' {
  interface LunarJsSolar {
    /** 'YYYY-MM-DD'. */
    toYmd(): string;
  }

  interface LunarJsMonth {
    getYear(): number;
    /** Negative for a leap month. */
    getMonth(): number;
    getDayCount(): number;
    /** Julian day number (integer, noon) of the month's first day, in Beijing time (UTC+8). */
    getFirstJulianDay(): number;
  }

  interface LunarJsYear {
    /** Regular (non-leap) month of this lunar year; leap months are asked for with a negative number. */
    getMonth(month: number): LunarJsMonth | null;
    /** The months from the one before the winter solstice of the previous year onwards (15 months). */
    getMonths(): LunarJsMonth[];
  }

  interface LunarJs {
    Solar: {
      /** Julian day number of 2000-01-01 12:00. */
      readonly J2000: number;
      fromJulianDay(julianDay: number): LunarJsSolar;
    };
    LunarYear: {
      fromYear(lunarYear: number): LunarJsYear;
    };
    ShouXingUtil: {
      /**
       * Moment of the new moon whose mean elongation is `w` (radians, a multiple of 2π), in days since
       * J2000, already shifted to Beijing time (UTC+8).
       */
      shuoHigh(w: number): number;
    };
  }

  const lunarJs: LunarJs;
  export = lunarJs;
}
