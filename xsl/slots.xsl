<?xml version="1.0" encoding="UTF-8"?>
<!--
  The free times of one week of a calendar (/page/slots, made by
  page_slot.c) as radios, a group per day; full and closed days said as
  such; buttons page to the week before and after (_week: the same page
  again). Included by form.xsl (the slot question) and status.xsl
  (moving an appointment); uses layout.xsl's msg, t, date and datetime,
  which both include. The first radio carries `id` for the error
  summary's link; a time chosen in another week stays chosen as a
  checked radio of the same group.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:template name="slot-choice">
    <xsl:param name="k"/>
    <xsl:param name="id"/>
    <xsl:param name="desc" select="''"/>
    <xsl:param name="invalid" select="false()"/>
    <xsl:param name="required" select="true()"/>
    <xsl:param name="val" select="''"/>
    <xsl:variable name="sl" select="/page/slots[@field = $k]"/>
    <xsl:variable name="first" select="($sl/day/slot)[1]"/>
    <p class="slot-facts">
      <xsl:call-template name="msg">
        <xsl:with-param name="key" select="'slot.length'"/>
        <xsl:with-param name="arg" select="$sl/@minutes"/>
      </xsl:call-template>
      <xsl:if test="$sl/location">
        <xsl:text> </xsl:text>
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'slot.where'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <xsl:call-template name="t"><xsl:with-param name="of" select="$sl/location"/></xsl:call-template>
      </xsl:if>
    </p>
    <xsl:if test="$val != '' and not($invalid) and not($sl/day/slot[@value = $val])">
      <div class="check slot slot-chosen">
        <input type="radio" value="{$val}" checked="checked">
          <xsl:call-template name="slot-attrs">
            <xsl:with-param name="k" select="$k"/>
            <xsl:with-param name="id" select="concat($id, '-chosen')"/>
            <xsl:with-param name="desc" select="$desc"/>
            <xsl:with-param name="invalid" select="$invalid"/>
            <xsl:with-param name="required" select="$required"/>
          </xsl:call-template>
        </input>
        <label for="{$id}-chosen">
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'slot.chosen'"/></xsl:call-template>
          <xsl:text> </xsl:text>
          <xsl:call-template name="datetime"><xsl:with-param name="iso" select="$val"/></xsl:call-template>
        </label>
      </div>
    </xsl:if>
    <h3 class="slot-week" id="{$id}-week">
      <!-- No free time this week: the heading is what the error
           summary's link leads to. -->
      <xsl:if test="not($first)">
        <xsl:attribute name="id"><xsl:value-of select="$id"/></xsl:attribute>
      </xsl:if>
      <!-- After "Frühere/Spätere Termine": the focus on the week shown,
           not back at the top of the page. -->
      <xsl:if test="$sl/@paged or not($first)">
        <xsl:attribute name="tabindex">-1</xsl:attribute>
      </xsl:if>
      <xsl:if test="$sl/@paged">
        <xsl:attribute name="autofocus">autofocus</xsl:attribute>
      </xsl:if>
      <xsl:call-template name="msg">
        <xsl:with-param name="key" select="'slot.week'"/>
        <xsl:with-param name="arg">
          <xsl:choose>
            <xsl:when test="$sl/day"><xsl:value-of select="$sl/day[1]/@date"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="$sl/@week"/></xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
    </h3>
    <xsl:if test="not($first)">
      <p class="slot-none"><xsl:call-template name="msg"><xsl:with-param name="key" select="'slot.none'"/></xsl:call-template></p>
    </xsl:if>
    <div class="slot-days">
      <xsl:for-each select="$sl/day">
        <fieldset class="slot-day slot-{@state}">
          <legend>
            <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('weekday.', @weekday)"/></xsl:call-template>
            <xsl:text>, </xsl:text>
            <xsl:call-template name="date"><xsl:with-param name="iso" select="@date"/></xsl:call-template>
          </legend>
          <xsl:choose>
            <xsl:when test="@holiday">
              <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'slot.holiday'"/></xsl:call-template></p>
            </xsl:when>
            <xsl:when test="@state = 'closed'">
              <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'slot.closed'"/></xsl:call-template></p>
            </xsl:when>
            <xsl:when test="@state = 'full'">
              <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'slot.full'"/></xsl:call-template></p>
            </xsl:when>
          </xsl:choose>
          <xsl:for-each select="slot">
            <xsl:variable name="oid">
              <xsl:value-of select="$id"/>
              <xsl:if test="generate-id(.) != generate-id($first)"><xsl:value-of select="concat('-', translate(@value, ':', '-'))"/></xsl:if>
            </xsl:variable>
            <div class="check slot">
              <input type="radio" value="{@value}">
                <xsl:call-template name="slot-attrs">
                  <xsl:with-param name="k" select="$k"/>
                  <xsl:with-param name="id" select="$oid"/>
                  <xsl:with-param name="desc" select="$desc"/>
                  <xsl:with-param name="invalid" select="$invalid"/>
                  <xsl:with-param name="required" select="$required"/>
                </xsl:call-template>
                <xsl:if test="@value = $val"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
              </input>
              <label for="{$oid}">
                <xsl:call-template name="msg">
                  <xsl:with-param name="key" select="'time.clock'"/>
                  <xsl:with-param name="arg" select="@time"/>
                </xsl:call-template>
              </label>
            </div>
          </xsl:for-each>
        </fieldset>
      </xsl:for-each>
    </div>
    <xsl:if test="$sl/@prev or $sl/@next">
      <div class="slot-nav">
        <xsl:if test="$sl/@prev">
          <button type="submit" class="button secondary" name="_week" value="{$sl/@prev}">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'slot.earlier'"/></xsl:call-template>
          </button>
          <xsl:text> </xsl:text>
        </xsl:if>
        <xsl:if test="$sl/@next">
          <button type="submit" class="button secondary" name="_week" value="{$sl/@next}">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'slot.later'"/></xsl:call-template>
          </button>
        </xsl:if>
      </div>
    </xsl:if>
  </xsl:template>

  <!-- A time's radio: its group, id, and what describes it. -->
  <xsl:template name="slot-attrs">
    <xsl:param name="k"/>
    <xsl:param name="id"/>
    <xsl:param name="desc"/>
    <xsl:param name="invalid"/>
    <xsl:param name="required"/>
    <xsl:attribute name="id"><xsl:value-of select="$id"/></xsl:attribute>
    <xsl:attribute name="name"><xsl:value-of select="$k"/></xsl:attribute>
    <xsl:if test="$required">
      <xsl:attribute name="required">required</xsl:attribute>
      <xsl:attribute name="aria-required">true</xsl:attribute>
    </xsl:if>
    <xsl:if test="$invalid">
      <xsl:attribute name="aria-invalid">true</xsl:attribute>
    </xsl:if>
    <xsl:if test="$desc != ''">
      <xsl:attribute name="aria-describedby"><xsl:value-of select="$desc"/></xsl:attribute>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
