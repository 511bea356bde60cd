<?xml version="1.0" encoding="UTF-8"?>
<!--
  The back office's inbox (page/@name = 'staff-inbox'): counts by status,
  the filter (service, status, dates, search, order; a GET form, so every
  view has its own address), one page of submissions, paging, export.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>
  <xsl:include href="staff.xsl"/>

  <xsl:variable name="f" select="/page/filter"/>
  <xsl:variable name="services" select="/page/services/service"/>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.inbox'"/></xsl:call-template>
  </xsl:template>

  <!-- The filter as a query string, with one parameter replaced; a page
       other than the first by its key: after/before the reference of the
       last/first row shown (keyset paging, docs/staff.md). -->
  <xsl:template name="query">
    <xsl:param name="status" select="$f/@status"/>
    <xsl:param name="keyname" select="''"/>
    <xsl:param name="ref" select="''"/>
    <xsl:text>?service=</xsl:text><xsl:value-of select="$f/@service"/>
    <xsl:text>&amp;status=</xsl:text><xsl:value-of select="$status"/>
    <xsl:text>&amp;from=</xsl:text><xsl:value-of select="$f/@from"/>
    <xsl:text>&amp;to=</xsl:text><xsl:value-of select="$f/@to"/>
    <xsl:text>&amp;q=</xsl:text><xsl:value-of select="$f/@q-url"/>
    <xsl:text>&amp;sort=</xsl:text><xsl:value-of select="$f/@sort"/>
    <xsl:if test="string($keyname)"><xsl:value-of select="concat('&amp;', $keyname, '=', $ref)"/></xsl:if>
    <xsl:if test="$lang != 'de'"><xsl:text>&amp;lang=</xsl:text><xsl:value-of select="$lang"/></xsl:if>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <xsl:call-template name="staff-bar"/>
    <h1><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.inbox'"/></xsl:call-template></h1>

    <ul class="counts">
      <xsl:for-each select="/page/counts/count">
        <li>
          <a>
            <xsl:attribute name="href">
              <xsl:value-of select="$script"/><xsl:text>/</xsl:text>
              <xsl:call-template name="query"><xsl:with-param name="status" select="@status"/></xsl:call-template>
            </xsl:attribute>
            <xsl:if test="@status = $f/@status"><xsl:attribute name="aria-current">true</xsl:attribute></xsl:if>
            <xsl:call-template name="status-label"><xsl:with-param name="status" select="@status"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <span class="count"><xsl:value-of select="@n"/></span>
          </a>
        </li>
      </xsl:for-each>
    </ul>

    <form method="get" action="{$script}/" class="filter">
      <xsl:if test="$lang != 'de'"><input type="hidden" name="lang" value="{$lang}"/></xsl:if>
      <div class="field">
        <label for="f-service"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.service'"/></xsl:call-template></label>
        <select id="f-service" name="service">
          <option value=""><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.all'"/></xsl:call-template></option>
          <xsl:for-each select="$services">
            <option value="{@id}">
              <xsl:if test="@id = $f/@service"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:call-template name="t"><xsl:with-param name="of" select="title"/><xsl:with-param name="inline" select="false()"/></xsl:call-template>
            </option>
          </xsl:for-each>
        </select>
      </div>
      <div class="field">
        <label for="f-status"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.status'"/></xsl:call-template></label>
        <select id="f-status" name="status">
          <option value=""><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.all'"/></xsl:call-template></option>
          <xsl:for-each select="/page/counts/count">
            <option value="{@status}">
              <xsl:if test="@status = $f/@status"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('staff.state.', @status)"/></xsl:call-template>
            </option>
          </xsl:for-each>
        </select>
      </div>
      <div class="field">
        <label for="f-from"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.from'"/></xsl:call-template></label>
        <input type="date" id="f-from" name="from" value="{$f/@from}"/>
      </div>
      <div class="field">
        <label for="f-to"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.to'"/></xsl:call-template></label>
        <input type="date" id="f-to" name="to" value="{$f/@to}"/>
      </div>
      <div class="field">
        <label for="f-q"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.search'"/></xsl:call-template></label>
        <input type="search" id="f-q" name="q" value="{$f/@q}" maxlength="100" autofocus="autofocus"/>
      </div>
      <div class="field">
        <label for="f-sort"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.sort'"/></xsl:call-template></label>
        <select id="f-sort" name="sort">
          <xsl:call-template name="sort-option"><xsl:with-param name="v" select="'newest'"/></xsl:call-template>
          <xsl:call-template name="sort-option"><xsl:with-param name="v" select="'oldest'"/></xsl:call-template>
          <xsl:call-template name="sort-option"><xsl:with-param name="v" select="'status'"/></xsl:call-template>
        </select>
      </div>
      <button type="submit" class="button"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.show'"/></xsl:call-template></button>
    </form>

    <xsl:variable name="inbox" select="/page/inbox"/>
    <xsl:if test="$f/@short-search = '1'">
      <p class="notice"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.search.short'"/></xsl:call-template></p>
    </xsl:if>
    <!-- The total where the counts give it or all fits on one page; with
         dates or a search it would take a scan, and the page shows none. -->
    <xsl:if test="string($inbox/@total)">
      <p class="results">
        <xsl:call-template name="msg">
          <xsl:with-param name="key" select="'staff.results'"/>
          <xsl:with-param name="arg" select="$inbox/@total"/>
        </xsl:call-template>
      </p>
    </xsl:if>
    <xsl:if test="$inbox/item">
      <div class="table-scroll">
      <table class="inbox">
        <thead>
          <tr>
            <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'mail.ref'"/></xsl:call-template></th>
            <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.service'"/></xsl:call-template></th>
            <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.applicant'"/></xsl:call-template></th>
            <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.received'"/></xsl:call-template></th>
            <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.status'"/></xsl:call-template></th>
            <th scope="col" class="num"><xsl:call-template name="msg"><xsl:with-param name="key" select="'fee.label'"/></xsl:call-template></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="$inbox/item">
            <tr>
              <td><a href="{$script}/submissions/{@ref}{$lq}"><xsl:value-of select="@ref"/></a></td>
              <td>
                <xsl:variable name="svc" select="$services[@id = current()/@service]"/>
                <xsl:choose>
                  <xsl:when test="$svc"><xsl:call-template name="t"><xsl:with-param name="of" select="$svc/title"/></xsl:call-template></xsl:when>
                  <xsl:otherwise><xsl:value-of select="@service"/></xsl:otherwise>
                </xsl:choose>
              </td>
              <td><xsl:call-template name="applicant"><xsl:with-param name="values" select="answers/values/value"/></xsl:call-template></td>
              <td><xsl:call-template name="datetime"><xsl:with-param name="iso" select="@created"/></xsl:call-template></td>
              <td><xsl:call-template name="status-label"><xsl:with-param name="status" select="@status"/></xsl:call-template></td>
              <td class="num"><xsl:call-template name="amount"><xsl:with-param name="cents" select="@fee-cents"/></xsl:call-template></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
      </div>
    </xsl:if>
    <xsl:if test="string($inbox/@prev) or string($inbox/@next)">
      <nav class="paging">
        <xsl:attribute name="aria-label"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.pages'"/></xsl:call-template></xsl:attribute>
        <xsl:if test="string($inbox/@prev)">
          <a rel="prev">
            <xsl:attribute name="href"><xsl:value-of select="$script"/><xsl:text>/</xsl:text><xsl:call-template name="query"><xsl:with-param name="keyname" select="'before'"/><xsl:with-param name="ref" select="$inbox/@prev"/></xsl:call-template></xsl:attribute>
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.prev'"/></xsl:call-template>
          </a>
        </xsl:if>
        <xsl:if test="string($inbox/@prev)">
          <xsl:text> </xsl:text>
          <a>
            <xsl:attribute name="href"><xsl:value-of select="$script"/><xsl:text>/</xsl:text><xsl:call-template name="query"/></xsl:attribute>
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.first'"/></xsl:call-template>
          </a>
        </xsl:if>
        <xsl:if test="string($inbox/@next)">
          <xsl:text> </xsl:text>
          <a rel="next">
            <xsl:attribute name="href"><xsl:value-of select="$script"/><xsl:text>/</xsl:text><xsl:call-template name="query"><xsl:with-param name="keyname" select="'after'"/><xsl:with-param name="ref" select="$inbox/@next"/></xsl:call-template></xsl:attribute>
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.next'"/></xsl:call-template>
          </a>
        </xsl:if>
      </nav>
    </xsl:if>
    <xsl:if test="string($f/@service)">
      <p class="export">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.export'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <a href="{$script}/export/{$f/@service}?format=csv">CSV</a>
        <xsl:text> · </xsl:text>
        <a href="{$script}/export/{$f/@service}?format=xml">XML</a>
        <xsl:text> · </xsl:text>
        <a href="{$script}/export/{$f/@service}?format=json">JSON</a>
      </p>
    </xsl:if>
  </xsl:template>

  <xsl:template name="sort-option">
    <xsl:param name="v"/>
    <option value="{$v}">
      <xsl:if test="$v = $f/@sort"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
      <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('staff.sort.', $v)"/></xsl:call-template>
    </option>
  </xsl:template>

</xsl:stylesheet>
