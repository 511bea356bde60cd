<?xml version="1.0" encoding="UTF-8"?>
<!--
  A calendar's day for the clerks (page/@name = 'staff-day',
  page_staff_day.c): which calendar and day (a GET form, so every day
  has its address), the appointments by time with the applicant, the
  service and the state, buttons to mark who came ("Erschienen", "Nicht
  erschienen") and the blocked times with a form to block one. Printable:
  the print stylesheet leaves the forms and buttons out.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>
  <xsl:include href="staff.xsl"/>

  <xsl:variable name="D" select="/page/day"/>
  <xsl:variable name="cal" select="/page/calendars/calendar[@selected = '1']"/>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.appointments'"/></xsl:call-template>
    <xsl:if test="$cal">
      <xsl:text>: </xsl:text>
      <xsl:for-each select="$cal"><xsl:call-template name="cal-name"/></xsl:for-each>
      <xsl:text>, </xsl:text>
      <xsl:call-template name="date"><xsl:with-param name="iso" select="$D/@date"/></xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- A calendar's title, or its id when its file does not load. -->
  <xsl:template name="cal-name">
    <xsl:choose>
      <xsl:when test="title"><xsl:call-template name="t"><xsl:with-param name="of" select="title"/><xsl:with-param name="inline" select="false()"/></xsl:call-template></xsl:when>
      <xsl:otherwise><xsl:value-of select="@id"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- This page for another day. -->
  <xsl:template name="day-link">
    <xsl:param name="day"/>
    <xsl:value-of select="concat($script, '/appointments?calendar=', $D/@calendar, '&amp;day=', $day)"/>
    <xsl:if test="$lang != 'de'"><xsl:value-of select="concat('&amp;lang=', $lang)"/></xsl:if>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <xsl:call-template name="staff-bar"/>
    <h1>
      <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.appointments'"/></xsl:call-template>
      <xsl:if test="$cal">
        <xsl:text>: </xsl:text>
        <xsl:for-each select="$cal"><xsl:call-template name="cal-name"/></xsl:for-each>
        <br/>
        <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('weekday.', $D/@weekday)"/></xsl:call-template>
        <xsl:text>, </xsl:text>
        <xsl:call-template name="date"><xsl:with-param name="iso" select="$D/@date"/></xsl:call-template>
      </xsl:if>
    </h1>
    <xsl:choose>
      <xsl:when test="not($cal)">
        <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.no_calendar'"/></xsl:call-template></p>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="day"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="day">
    <xsl:if test="string($D/@done)">
      <p class="notice success" role="status"><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('staff.day.done.', $D/@done)"/></xsl:call-template></p>
    </xsl:if>
    <xsl:if test="/page/problem">
      <p class="notice error" role="alert"><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('staff.day.problem.', /page/problem/@code)"/></xsl:call-template></p>
    </xsl:if>

    <form method="get" action="{$script}/appointments" class="filter no-print">
      <xsl:if test="$lang != 'de'"><input type="hidden" name="lang" value="{$lang}"/></xsl:if>
      <div class="field">
        <label for="f-calendar"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.calendar'"/></xsl:call-template></label>
        <select id="f-calendar" name="calendar">
          <xsl:for-each select="/page/calendars/calendar">
            <option value="{@id}">
              <xsl:if test="@selected = '1'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:call-template name="cal-name"/>
            </option>
          </xsl:for-each>
        </select>
      </div>
      <div class="field">
        <label for="f-day"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.date'"/></xsl:call-template></label>
        <input type="date" id="f-day" name="day" value="{$D/@date}"/>
      </div>
      <div class="actions">
        <button type="submit" class="button"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.show'"/></xsl:call-template></button>
      </div>
    </form>
    <nav class="day-nav no-print">
      <xsl:attribute name="aria-label"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.nav'"/></xsl:call-template></xsl:attribute>
      <a><xsl:attribute name="href"><xsl:call-template name="day-link"><xsl:with-param name="day" select="$D/@prev"/></xsl:call-template></xsl:attribute>
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.prev'"/></xsl:call-template></a>
      <xsl:text> · </xsl:text>
      <a><xsl:attribute name="href"><xsl:call-template name="day-link"><xsl:with-param name="day" select="$D/@next"/></xsl:call-template></xsl:attribute>
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.next'"/></xsl:call-template></a>
    </nav>

    <xsl:choose>
      <xsl:when test="not($D/appointment)">
        <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.none'"/></xsl:call-template></p>
      </xsl:when>
      <xsl:otherwise>
        <table class="day">
          <caption><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.caption'"/></xsl:call-template></caption>
          <thead>
            <tr>
              <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.time'"/></xsl:call-template></th>
              <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.who'"/></xsl:call-template></th>
              <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.service'"/></xsl:call-template></th>
              <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.ref'"/></xsl:call-template></th>
              <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.state'"/></xsl:call-template></th>
              <th scope="col" class="no-print"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.actions'"/></xsl:call-template></th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="$D/appointment">
              <xsl:variable name="svc" select="@service"/>
              <tr class="booking-{@state}">
                <td><xsl:value-of select="concat(substring(@start, 12, 5), '–', substring(@end, 12, 5))"/></td>
                <td><xsl:call-template name="applicant"><xsl:with-param name="values" select="answers/values/value"/></xsl:call-template></td>
                <td><xsl:call-template name="t"><xsl:with-param name="of" select="/page/services/service[@id = $svc]/title"/></xsl:call-template></td>
                <td><a href="{$script}/submissions/{@ref}{$lq}"><xsl:value-of select="@ref"/></a></td>
                <td><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('staff.day.state.', @state)"/></xsl:call-template></td>
                <td class="no-print">
                  <xsl:if test="@state != 'cancelled'">
                    <form method="post" action="{$script}/appointments{$lq}" class="inline">
                      <xsl:call-template name="csrf"/>
                      <input type="hidden" name="calendar" value="{$D/@calendar}"/>
                      <input type="hidden" name="day" value="{$D/@date}"/>
                      <input type="hidden" name="booking" value="{@id}"/>
                      <xsl:variable name="ref" select="@ref"/>
                      <xsl:if test="@state != 'done'">
                        <button type="submit" class="button secondary" name="_action" value="done">
                          <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.mark.done'"/></xsl:call-template>
                          <span class="visually-hidden"><xsl:value-of select="concat(': ', $ref)"/></span>
                        </button>
                        <xsl:text> </xsl:text>
                      </xsl:if>
                      <xsl:if test="@state != 'noshow'">
                        <button type="submit" class="button secondary" name="_action" value="noshow">
                          <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.mark.noshow'"/></xsl:call-template>
                          <span class="visually-hidden"><xsl:value-of select="concat(': ', $ref)"/></span>
                        </button>
                        <xsl:text> </xsl:text>
                      </xsl:if>
                      <xsl:if test="@state != 'booked'">
                        <button type="submit" class="button secondary" name="_action" value="booked">
                          <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.mark.booked'"/></xsl:call-template>
                          <span class="visually-hidden"><xsl:value-of select="concat(': ', $ref)"/></span>
                        </button>
                      </xsl:if>
                    </form>
                  </xsl:if>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </xsl:otherwise>
    </xsl:choose>

    <section class="blocks" aria-labelledby="blocks-heading">
      <h2 id="blocks-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.blocks'"/></xsl:call-template></h2>
      <xsl:choose>
        <xsl:when test="not($D/block)">
          <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.block.none'"/></xsl:call-template></p>
        </xsl:when>
        <xsl:otherwise>
          <ul>
            <xsl:for-each select="$D/block">
              <li>
                <xsl:call-template name="datetime"><xsl:with-param name="iso" select="@start"/></xsl:call-template>
                <xsl:text> – </xsl:text>
                <xsl:call-template name="datetime"><xsl:with-param name="iso" select="@end"/></xsl:call-template>
                <xsl:if test="string(.)"><xsl:value-of select="concat(': ', .)"/></xsl:if>
                <xsl:value-of select="concat(' (', @clerk, ')')"/>
                <form method="post" action="{$script}/appointments{$lq}" class="inline no-print">
                  <xsl:call-template name="csrf"/>
                  <input type="hidden" name="calendar" value="{$D/@calendar}"/>
                  <input type="hidden" name="day" value="{$D/@date}"/>
                  <input type="hidden" name="block" value="{@id}"/>
                  <xsl:text> </xsl:text>
                  <button type="submit" class="button secondary" name="_action" value="unblock">
                    <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.block.remove'"/></xsl:call-template>
                  </button>
                </form>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:otherwise>
      </xsl:choose>
      <form method="post" action="{$script}/appointments{$lq}" class="block-add no-print">
        <xsl:call-template name="csrf"/>
        <input type="hidden" name="calendar" value="{$D/@calendar}"/>
        <input type="hidden" name="day" value="{$D/@date}"/>
        <fieldset>
          <legend><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.block.legend'"/></xsl:call-template></legend>
          <div class="field">
            <label for="f-from"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.block.from'"/></xsl:call-template></label>
            <input type="time" id="f-from" name="from" required="required"/>
          </div>
          <div class="field">
            <label for="f-to"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.block.to'"/></xsl:call-template></label>
            <input type="time" id="f-to" name="to" required="required"/>
          </div>
          <div class="field">
            <label for="f-reason"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.block.reason'"/></xsl:call-template></label>
            <input type="text" id="f-reason" name="reason" maxlength="200"/>
          </div>
          <button type="submit" class="button" name="_action" value="block"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.day.block.add'"/></xsl:call-template></button>
        </fieldset>
      </form>
    </section>
  </xsl:template>

</xsl:stylesheet>
