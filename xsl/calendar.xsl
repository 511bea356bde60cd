<?xml version="1.0" encoding="UTF-8"?>
<!--
  The words of an appointment's calendar file (page_calendar.c makes the
  iCalendar around them): the first line the summary, the second the
  place, then a blank line and the description. Text, not HTML. The
  input is the status page's document (app_submission) with <booking>
  (its calendar's <title>s and <location>s) and <status-url>. Like the
  mails, it holds no answer of the form: a calendar file is copied to
  phones and servers the town does not control.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:r="urn:x-rathaus" exclude-result-prefixes="r">

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:variable name="lang" select="string(/page/@lang)"/>
  <xsl:variable name="S" select="/page/service"/>
  <xsl:variable name="B" select="/page/booking"/>

  <!-- A text in the page's language, else German. -->
  <xsl:template name="t">
    <xsl:param name="of"/>
    <xsl:choose>
      <xsl:when test="$of[@xml:lang = $lang]"><xsl:value-of select="normalize-space($of[@xml:lang = $lang])"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="normalize-space($of[@xml:lang = 'de'])"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="/">
    <!-- "Termin: Bürgerbüro" -->
    <xsl:variable name="summary" select="r:msg('calendar.summary')"/>
    <xsl:value-of select="substring-before($summary, '{arg}')"/>
    <xsl:call-template name="t"><xsl:with-param name="of" select="$B/title | $S/title[not($B/title)]"/></xsl:call-template>
    <xsl:value-of select="substring-after($summary, '{arg}')"/>
    <xsl:text>&#10;</xsl:text>
    <xsl:call-template name="t"><xsl:with-param name="of" select="$B/location"/></xsl:call-template>
    <xsl:text>&#10;&#10;</xsl:text>
    <xsl:call-template name="t"><xsl:with-param name="of" select="$S/title"/></xsl:call-template>
    <xsl:text>&#10;</xsl:text>
    <xsl:value-of select="r:msg('calendar.ref')"/>
    <xsl:text> </xsl:text>
    <xsl:value-of select="/page/submission/@ref"/>
    <xsl:text>&#10;</xsl:text>
    <xsl:variable name="docs" select="$S/document[@xml:lang = $lang]"/>
    <xsl:variable name="bring" select="$docs | $S/document[@xml:lang = 'de'][not($docs)]"/>
    <xsl:if test="$bring">
      <xsl:text>&#10;</xsl:text>
      <xsl:value-of select="r:msg('calendar.bring')"/>
      <xsl:text>&#10;</xsl:text>
      <xsl:for-each select="$bring">
        <xsl:text>- </xsl:text>
        <xsl:value-of select="normalize-space(.)"/>
        <xsl:text>&#10;</xsl:text>
      </xsl:for-each>
    </xsl:if>
    <xsl:if test="$S/fee/counter">
      <xsl:text>&#10;</xsl:text>
      <xsl:value-of select="r:msg('calendar.fee')"/>
      <xsl:text> </xsl:text>
      <xsl:call-template name="t"><xsl:with-param name="of" select="$S/fee/counter"/></xsl:call-template>
      <xsl:text>&#10;</xsl:text>
    </xsl:if>
    <xsl:text>&#10;</xsl:text>
    <xsl:value-of select="r:msg('calendar.manage')"/>
    <xsl:text>&#10;</xsl:text>
    <xsl:value-of select="/page/status-url"/>
  </xsl:template>

</xsl:stylesheet>
